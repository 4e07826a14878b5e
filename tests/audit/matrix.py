from people.models import Membership
from tests.matrix import CONSULTANTS, Route

Role = Membership.Role

AUDITORS = CONSULTANTS | {Role.MANAGER}


def project(world, which):
    return {"project_id": world.project_id(which)}


ROUTES = {
    "audit:list": Route(kwargs=project, get=AUDITORS),
}
