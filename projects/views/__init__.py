"""Project pages: the overview, creating and editing a project, and its phases."""

from projects.views.planning import (
    PhaseChangeView,
    ProjectCreateView,
    ProjectDetailView,
    ProjectUpdateView,
)

__all__ = ["PhaseChangeView", "ProjectCreateView", "ProjectDetailView", "ProjectUpdateView"]
