from tests.matrix import ALL_ROLES, Route

ROUTES = {
    "search:results": Route(get=ALL_ROLES, post=None, project_scoped=False),
}
