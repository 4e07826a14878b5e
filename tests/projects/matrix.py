from people.models import Membership
from readiness.models import GoLiveDecision
from readiness.services import go_live_decision_record
from tests.factories import MembershipFactory
from tests.matrix import ALL_ROLES, CONSULTANTS, READERS, Route

MANAGERS = frozenset({Membership.Role.MANAGER})


def objects(team):
    """A go / no-go decision in each project, recorded by its manager; the modules readiness shows."""
    other_manager = MembershipFactory(project=team.other_project, role=Membership.Role.MANAGER)
    decisions = [
        go_live_decision_record(
            project=project, decided_by=manager, outcome=GoLiveDecision.Outcome.NO_GO, rationale="Not yet."
        )
        for project, manager in (
            (team.project, team.members[Membership.Role.MANAGER]),
            (team.other_project, other_manager),
        )
    ]
    return {"decision": tuple(decisions), "readiness_module": (team.module, team.other_module)}


def project(world, which):
    return {"project_id": world.project_id(which)}


def readiness_module(world, which):
    return {**project(world, which), "module_id": world.obj("readiness_module", which).pk}


def decision(world, which):
    return {**project(world, which), "decision_id": world.obj("decision", which).pk}


ROUTES = {
    "home": Route(get=ALL_ROLES, project_scoped=False),
    "login": Route(get=ALL_ROLES, post=ALL_ROLES, project_scoped=False, public=True),
    "logout": Route(get=None, post=ALL_ROLES, project_scoped=False),
    "set_language": Route(get=None, post=ALL_ROLES, project_scoped=False, public=True),
    "health": Route(get=ALL_ROLES, post=None, project_scoped=False, public=True),
    "projects:detail": Route(kwargs=project, get=ALL_ROLES),
    # Starting a project is for those who plan one already, and staff; for anyone else it does not exist.
    "projects:create": Route(get=ALL_ROLES, post=ALL_ROLES, project_scoped=False, owners=CONSULTANTS | {"staff"}),
    "projects:update": Route(kwargs=project, get=CONSULTANTS, post=CONSULTANTS),
    "projects:phase_change": Route(kwargs=project, get=CONSULTANTS, post=CONSULTANTS),
    # Readiness: the project team and its managers read it; consultants set the thresholds; managers decide.
    "portfolio": Route(get=ALL_ROLES, project_scoped=False),
    "readiness:dashboard": Route(kwargs=project, get=READERS),
    "readiness:module": Route(kwargs=readiness_module, get=READERS),
    "readiness:report": Route(kwargs=project, get=READERS),
    "readiness:export": Route(kwargs=project, get=READERS),
    "readiness:thresholds": Route(kwargs=project, get=CONSULTANTS, post=CONSULTANTS),
    "readiness:decision_list": Route(kwargs=project, get=READERS),
    "readiness:decision_detail": Route(kwargs=decision, get=READERS),
    "readiness:decision_create": Route(kwargs=project, get=MANAGERS, post=MANAGERS),
}
