"""Module routes in the permission matrix. The team's Key User owns the team's module, so they may
update its deliverables; a Key User on another module is refused (see test_views)."""

from modules import services
from people.models import Membership
from people.services import person_add
from tests.matrix import CONSULTANTS, READERS, Route

Role = Membership.Role

DELIVERABLE_EDITORS = CONSULTANTS | {Role.KEY_USER}


def objects(team):
    other_end_user = person_add(project=team.other_project, role=Role.END_USER, username="other.enduser")
    return {
        "module": (team.module, team.other_module),
        "key_user_assignment": (team.module.key_user_assignments.get(), team.other_module.key_user_assignments.get()),
        "module_end_user": (
            services.module_end_user_add(module=team.module, membership=team.members[Role.END_USER]),
            services.module_end_user_add(module=team.other_module, membership=other_end_user),
        ),
        "deliverable": (team.module.deliverables.first(), team.other_module.deliverables.first()),
        "deliverable_type": (
            team.project.deliverable_types.first(),
            team.other_project.deliverable_types.first(),
        ),
    }


def project(world, which):
    return {"project_id": world.project_id(which)}


def module(world, which):
    return {**project(world, which), "module_id": world.obj("module", which).pk}


def assignment(world, which):
    return {**module(world, which), "assignment_id": world.obj("key_user_assignment", which).pk}


def end_user(world, which):
    return {**module(world, which), "end_user_id": world.obj("module_end_user", which).pk}


def deliverable(world, which):
    return {**module(world, which), "deliverable_id": world.obj("deliverable", which).pk}


def deliverable_type(world, which):
    return {**project(world, which), "type_id": world.obj("deliverable_type", which).pk}


ROUTES = {
    "modules:list": Route(kwargs=project, get=READERS),
    "modules:create": Route(kwargs=project, get=CONSULTANTS, post=CONSULTANTS),
    "modules:matrix_export": Route(kwargs=project, get=READERS),
    "modules:deliverable_types": Route(kwargs=project, get=READERS, post=CONSULTANTS),
    "modules:deliverable_type_update": Route(kwargs=deliverable_type, get=CONSULTANTS, post=CONSULTANTS),
    "modules:detail": Route(kwargs=module, get=READERS),
    "modules:update": Route(kwargs=module, get=CONSULTANTS, post=CONSULTANTS),
    "modules:scope": Route(kwargs=module, get=CONSULTANTS, post=CONSULTANTS),
    "modules:delete": Route(kwargs=module, get=CONSULTANTS, post=CONSULTANTS),
    "modules:key_user_add": Route(kwargs=module, get=CONSULTANTS, post=CONSULTANTS),
    "modules:key_user_primary": Route(kwargs=assignment, get=None, post=CONSULTANTS),
    "modules:key_user_remove": Route(kwargs=assignment, get=CONSULTANTS, post=CONSULTANTS),
    "modules:end_user_add": Route(kwargs=module, get=CONSULTANTS, post=CONSULTANTS),
    "modules:end_user_remove": Route(kwargs=end_user, get=None, post=CONSULTANTS),
    "modules:deliverable_update": Route(kwargs=deliverable, get=DELIVERABLE_EDITORS, post=DELIVERABLE_EDITORS),
}
