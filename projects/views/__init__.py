"""Project pages: planning (overview, create, edit, phases)."""

from projects.views.planning import (
    PhaseChangeView,
    ProjectCreateView,
    ProjectDetailView,
    ProjectUpdateView,
    home,
)

__all__ = ["PhaseChangeView", "ProjectCreateView", "ProjectDetailView", "ProjectUpdateView", "home"]
