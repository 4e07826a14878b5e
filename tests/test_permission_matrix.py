"""Every route × {anonymous, outsider, each role, staff} × {GET, POST} × {own project, other project}, plus
the team's own project with one object id of the other project in the URL ("cross"), for each role
allowed there.

Built from the URL conf: a route with no entry in tests/matrix.py fails `test_every_route_is_in_the_matrix`.
POSTs run with CSRF checks enforced and a valid token; each route that takes a POST is also tried without
one. Every file a route serves is checked to be harmless (never rendered as a page).
"""

import copy
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.matrix import EXCLUDED_NAMESPACES, Role, Route, World, routes

pytestmark = pytest.mark.django_db

WHO = ["anonymous", "outsider", "staff", *[str(role) for role in Role]]


def url_patterns(patterns=None, namespace: str = ""):
    """(name, pattern) of every named route outside the excluded namespaces."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            if ns in EXCLUDED_NAMESPACES:
                continue
            yield from url_patterns(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}", pattern


def url_names() -> set[str]:
    return {name for name, _pattern in url_patterns()}


def test_every_route_is_in_the_matrix():
    missing = url_names() - set(routes())
    assert not missing, f"routes without a permission-matrix entry: {sorted(missing)}"


def test_the_matrix_names_no_route_that_does_not_exist():
    assert not set(routes()) - url_names()


def test_no_route_is_exempt_from_csrf_checks():
    exempt = [name for name, pattern in url_patterns() if getattr(pattern.callback, "csrf_exempt", False)]
    assert not exempt


def expected(route: Route, method: str, who: str, which: str) -> str:
    allowed = route.get if method == "GET" else route.post
    if which.startswith("cross:"):
        return "404"  # an object of another project, through a URL of the member's own project
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


@pytest.fixture(scope="module")
def sessions(shared_world, django_db_blocker) -> dict[str, SimpleCookie]:
    """Each persona's cookies, logged in once for all routes."""
    team = shared_world.team
    cookies = {}
    with django_db_blocker.unblock():
        for who in WHO:
            client = Client()
            if who != "anonymous":
                client.force_login({"outsider": team.outsider, "staff": team.staff}.get(who) or team.user(who))
            cookies[who] = client.cookies
    return cookies


def client_with(cookies: SimpleCookie) -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies = copy.deepcopy(cookies)
    return client


def cross_objects(route: Route, world: World) -> list[str]:
    """The objects in the route's URL that have a counterpart in the other project."""
    names = world.names_used(route) if route.project_scoped else []
    return [name for name in names if world.objects[name][0] != world.objects[name][1]]


def cases(route: Route, world: World):
    crossed = cross_objects(route, world)
    for method in ("GET", "POST"):
        for who in WHO:
            for which in ("own", "other") if route.project_scoped else ("own",):
                # The outsider is a member of the other project: their case is the team's project's ids.
                if not (who == "outsider" and which == "other"):
                    yield method, who, which
        allowed = route.get if method == "GET" else route.post
        for name in crossed:
            for role in sorted(allowed or ()):
                yield method, str(role), f"cross:{name}"


# What a route may serve without a download prompt besides our pages; anything else is an attachment.
INLINE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "application/json", "text/calendar")


def unsafe_response(response) -> str:
    """Why a successful response could be turned against its reader, or "" if it cannot: our pages
    carry the Content-Security-Policy; a file is never sniffed, never HTML or SVG, and is a download
    unless it is an image (or data a browser does not render)."""
    if response.status_code != 200:
        return ""
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    if content_type == "text/html":
        return "" if "Content-Security-Policy" in response else "a page without a Content-Security-Policy"
    if response.get("X-Content-Type-Options") != "nosniff":
        return f"{content_type} without X-Content-Type-Options: nosniff"
    if "svg" in content_type or "html" in content_type or "xml" in content_type:
        return f"served as {content_type}"
    if content_type not in INLINE_TYPES and not response.get("Content-Disposition", "").startswith("attachment"):
        return f"{content_type} served inline"
    return ""


def refused_for_csrf(response) -> bool:
    """The 403 came from the CSRF check (its own page), not from the role check."""
    return "403_csrf.html" in {template.name for template in response.templates}


def post_without_token(client: Client, url: str, data: dict):
    client.cookies[settings.CSRF_COOKIE_NAME] = _get_new_csrf_string()
    return client.post(url, data)


@pytest.mark.parametrize("name", sorted(routes()))
def test_permission_matrix(world, sessions, name):
    """All personas, methods and projects for one route; each request in a savepoint rolled back
    after it, so a POST that changes data does not affect the next case."""
    route = routes()[name]
    clients = {who: client_with(cookies) for who, cookies in sessions.items()}
    wrong = []
    for method, who, which in cases(route, world):
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
            wrong.append(f"{method} {url} as {who} ({which}): expected {want}, got {got}")
        elif got == "ok" and (problem := unsafe_response(response)):
            wrong.append(f"{method} {url} as {who}: {problem}")
    if route.post is not None:
        # Without the token, even someone allowed to POST is refused before the view runs.
        who = "anonymous" if route.public else str(sorted(route.post or {Role.APP_CONSULTANT})[0])
        url = reverse(name, kwargs=route.kwargs(world, "own"))
        with transaction.atomic():
            response = post_without_token(clients[who], url, route.post_data(world, "own"))
            transaction.set_rollback(True)
        if response.status_code != 403 or not refused_for_csrf(response):
            wrong.append(f"POST {url} as {who} without a CSRF token: answered {response.status_code}")
    assert not wrong, "\n".join(wrong)
