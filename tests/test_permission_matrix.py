"""Every route × {anonymous, outsider, each role, staff} × {GET, POST} × {own project, other project}.

Built from the URL conf: a route with no entry in tests/matrix.py fails `test_every_route_is_in_the_matrix`.
POSTs run with CSRF checks enforced and a valid token.
"""

import pytest
from django.conf import settings
from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import EXCLUDED_NAMESPACES, Role, Route, build_world, routes

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "outsider", "staff", *[str(role) for role in Role]]


def url_names(patterns=None, namespace: str = "") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in EXCLUDED_NAMESPACES:
                continue
            prefix = f"{namespace}{ns}:" if ns else namespace
            names |= url_names(pattern.url_patterns, prefix)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_route_is_in_the_matrix():
    missing = url_names() - set(routes())
    assert not missing, f"routes without a permission-matrix entry: {sorted(missing)}"


def test_the_matrix_names_no_route_that_does_not_exist():
    assert not set(routes()) - url_names()


def expected(route: Route, method: str, who: str, which: str) -> str:
    allowed = route.get if method == "GET" else route.post
    if who == "anonymous" and not route.public:
        return "login"
    if route.project_scoped and (who in ("outsider", "staff") or which == "other"):
        return "404"  # membership is checked before anything else reveals the route
    if allowed is None:
        return "405"
    if route.owners is not None and who not in route.owners:
        return "404"
    if not route.project_scoped:
        return "ok" if who in ("anonymous", "outsider", "staff") or who in allowed else "403"
    return "ok" if who in allowed else "403"


def outcome(response) -> str:
    status = response.status_code
    if status in (302, 303) and response["Location"].startswith(reverse("login")) and "next=" in response["Location"]:
        return "login"
    if status in (200, 204, 302, 303):
        return "ok"
    return str(status)


def client_for(team, who: str) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if who != "anonymous":
        user = {"outsider": team.outsider, "staff": team.staff}.get(who) or team.user(who)
        client.force_login(user)
    return client


def cases(route: Route):
    for method in ("GET", "POST"):
        for who in WHO:
            for which in ("own", "other") if route.project_scoped else ("own",):
                # The outsider is a member of the other project: their case is the team's project's ids.
                if not (who == "outsider" and which == "other"):
                    yield method, who, which


@pytest.mark.parametrize("name", sorted(routes()))
def test_permission_matrix(team, name):
    """All personas, methods and projects for one route; each request in a savepoint rolled back
    after it, so a POST that changes data does not affect the next case."""
    route = routes()[name]
    world = build_world(team)
    clients = {who: client_for(team, who) for who in WHO}
    wrong = []
    for method, who, which in cases(route):
        url = reverse(name, kwargs=route.kwargs(world, which))
        client = clients[who]
        with transaction.atomic():
            if method == "GET":
                response = client.get(url)
            else:
                token = _get_new_csrf_string()
                client.cookies[settings.CSRF_COOKIE_NAME] = token
                response = client.post(url, {"csrfmiddlewaretoken": token, **route.post_data(world, which)})
            transaction.set_rollback(True)
        if (got := outcome(response)) != (want := expected(route, method, who, which)):
            wrong.append(f"{method} {url} as {who} ({which} project): expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_a_post_without_a_csrf_token_is_refused(team):
    client = client_for(team, "app_consultant")
    assert client.post(reverse("logout")).status_code == 403
