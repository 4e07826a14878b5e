from people.models import Membership, RosterImport
from people.services import person_add
from tests.matrix import ALL_ROLES, CONSULTANTS, READERS, Route

Role = Membership.Role


def objects(team):
    def member(project, username):
        return person_add(project=project, role=Role.IT_USER, username=username, first_name="Ming")

    def roster_import(project):
        return RosterImport.objects.create(project=project, filename="roster.csv")

    return {
        "member": (member(team.project, "matrix.member"), member(team.other_project, "matrix.other")),
        "roster_import": (roster_import(team.project), roster_import(team.other_project)),
    }


def project(world, which):
    return {"project_id": world.project_id(which)}


def member(world, which):
    return {**project(world, which), "membership_id": world.obj("member", which).pk}


def roster_import(world, which):
    return {**project(world, which), "import_id": world.obj("roster_import", which).pk}


ROUTES = {
    "people:list": Route(kwargs=project, get=READERS),
    "people:create": Route(kwargs=project, get=CONSULTANTS, post=CONSULTANTS),
    "people:export": Route(kwargs=project, get=READERS),
    "people:lookup": Route(kwargs=project, get=READERS),
    "people:update": Route(kwargs=member, get=CONSULTANTS, post=CONSULTANTS),
    "people:deactivate": Route(kwargs=member, get=CONSULTANTS, post=CONSULTANTS),
    "people:activate": Route(kwargs=member, get=CONSULTANTS, post=CONSULTANTS),
    "people:password_link": Route(kwargs=member, get=CONSULTANTS, post=CONSULTANTS),
    # A person's own password (people/accounts.py): choosing one by an emailed link is open to anyone.
    "password_change": Route(get=ALL_ROLES, post=ALL_ROLES, project_scoped=False),
    "password_reset": Route(get=ALL_ROLES, post=ALL_ROLES, project_scoped=False, public=True),
    "password_reset_done": Route(get=ALL_ROLES, post=None, project_scoped=False, public=True),
    "password_reset_confirm": Route(
        kwargs=lambda world, which: {"uidb64": "MQ", "token": "set-password"},
        get=ALL_ROLES,
        post=ALL_ROLES,
        project_scoped=False,
        public=True,
    ),
    "password_reset_complete": Route(get=ALL_ROLES, post=None, project_scoped=False, public=True),
    "people:import": Route(kwargs=project, get=CONSULTANTS, post=CONSULTANTS),
    "people:import_template": Route(kwargs=project, get=CONSULTANTS),
    "people:import_detail": Route(kwargs=roster_import, get=CONSULTANTS),
    "people:import_confirm": Route(kwargs=roster_import, get=None, post=CONSULTANTS),
}
