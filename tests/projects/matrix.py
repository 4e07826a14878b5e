from tests.matrix import ALL_ROLES, Route


def project(world, which):
    return {"project_id": world.project_id(which)}


ROUTES = {
    "home": Route(get=ALL_ROLES, project_scoped=False),
    "login": Route(get=ALL_ROLES, post=ALL_ROLES, project_scoped=False, public=True),
    "logout": Route(get=None, post=ALL_ROLES, project_scoped=False),
    "set_language": Route(get=None, post=ALL_ROLES, project_scoped=False, public=True),
    "health": Route(get=ALL_ROLES, post=None, project_scoped=False, public=True),
    "projects:detail": Route(kwargs=project, get=ALL_ROLES),
}
