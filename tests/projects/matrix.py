from tests.matrix import ALL_ROLES, CONSULTANTS, Route


def project(world, which):
    return {"project_id": world.project_id(which)}


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
}
