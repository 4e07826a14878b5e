"""Project pages: planning (overview, create, edit, phases) and readiness (dashboards, go / no-go)."""

from projects.views import readiness
from projects.views.planning import (
    PhaseChangeView,
    ProjectCreateView,
    ProjectDetailView,
    ProjectUpdateView,
)
from projects.views.workspace import home

__all__ = ["PhaseChangeView", "ProjectCreateView", "ProjectDetailView", "ProjectUpdateView", "home", "readiness"]
