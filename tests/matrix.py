"""The permission matrix: every named route of the URL conf, with who may GET and POST it.

Each app's `tests/<app>/matrix.py` declares `ROUTES` (route name → Route) and may declare
`objects(team) -> dict[str, tuple[own, other]]`, the objects its routes need, one in the team's
project and one in the other project. A route missing here fails the matrix test.
"""

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from people.models import Membership

Role = Membership.Role

ALL_ROLES = frozenset(Role)
CONSULTANTS = frozenset({Role.APP_CONSULTANT, Role.TECH_CONSULTANT})
READERS = frozenset({Role.APP_CONSULTANT, Role.TECH_CONSULTANT, Role.KEY_USER, Role.IT_USER, Role.MANAGER})
NOBODY = frozenset()

MATRIX_MODULES = [
    "tests.projects.matrix",
    "tests.notifications.matrix",
    # matrix: planning
    "tests.modules.matrix",
    "tests.team.matrix",
    # matrix: training
    "tests.training.matrix",
    # matrix: issues
    "tests.issues.matrix",
    # matrix: acceptance
    "tests.acceptance.matrix",
    # matrix: trust
    "tests.audit.matrix",
    # matrix: readiness
    # matrix: workspace
    "tests.search.matrix",
]

# Routes the matrix leaves out, with the reason.
EXCLUDED_NAMESPACES = {
    "admin": "the Django admin is staff-only and has its own permission system; see tests/modules/test_admin.py",
}


@dataclass(frozen=True)
class Route:
    """`get` / `post`: the roles allowed (None: the method is not served, 405). `kwargs(world, which)`
    builds the URL arguments for the team's project ("own") or the other project ("other")."""

    kwargs: Callable[["World", str], dict] = lambda world, which: {}
    get: frozenset | None = NOBODY
    post: frozenset | None = None
    project_scoped: bool = True
    public: bool = False
    # For a personal object outside a project (e.g. a notification): the personas it belongs to; for
    # everyone else it does not exist (404).
    owners: frozenset | None = None
    post_data: Callable[["World", str], dict] = lambda world, which: {}


@dataclass
class World:
    """The objects routes need. `which` is "own" (the team's project), "other" (the other project) or
    "cross:<name>": the team's project and its objects, except <name>, taken from the other project —
    the id someone might try in their own project's URL."""

    team: object
    objects: dict[str, tuple] = field(default_factory=dict)
    media_root: object = None  # where the objects' files were saved
    _used: set[str] | None = None

    def project_id(self, which: str) -> int:
        return (self.team.other_project if which == "other" else self.team.project).pk

    def obj(self, name: str, which: str):
        if self._used is not None:
            self._used.add(name)
        own, other = self.objects[name]
        return other if which in ("other", f"cross:{name}") else own

    def names_used(self, route: "Route") -> list[str]:
        """The objects a route's URL (and its POST data) are built from."""
        self._used = set()
        try:
            route.kwargs(self, "own")
            route.post_data(self, "own")
            return sorted(self._used)
        finally:
            self._used = None


def routes() -> dict[str, Route]:
    merged: dict[str, Route] = {}
    for name in MATRIX_MODULES:
        merged.update(importlib.import_module(name).ROUTES)
    return merged


def build_world(team) -> World:
    world = World(team=team)
    for name in MATRIX_MODULES:
        builder = getattr(importlib.import_module(name), "objects", None)
        if builder:
            world.objects.update(builder(team))
    return world
