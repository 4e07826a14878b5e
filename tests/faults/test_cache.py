"""The cache (Redis) down and not coming back: every page still answers, none with a server error."""

import pytest
from django.test import Client
from django.urls import reverse

from people.models import Membership, RosterImport
from tests.matrix import routes

pytestmark = pytest.mark.postgresql

Role = Membership.Role


def reader(route) -> str | None:
    """Someone who may GET the route, or None if nobody may."""
    if route.public:
        return "anonymous"
    allowed = route.get or frozenset()
    if route.owners is not None:
        allowed = allowed & route.owners if route.project_scoped else route.owners
    return str(sorted(allowed)[0]) if allowed else None


def test_with_the_cache_down_every_page_answers(world, on_redis):
    team = world.team
    queued = RosterImport.objects.create(project=team.project, filename="big.csv", status=RosterImport.Status.QUEUED)
    on_redis.kill()

    clients: dict[str, Client] = {}

    def client(who: str) -> Client:
        if who not in clients:
            clients[who] = team.client_for(who)
            clients[who].raise_request_exception = False
        return clients[who]

    answers = []
    for name, route in sorted(routes().items()):
        if (who := reader(route)) is not None:
            url = reverse(name, kwargs=route.kwargs(world, "own"))
            answers.append((f"GET {url} as {who}", client(who).get(url).status_code))
    # What used the cache: a running import's progress, asking for a password link.
    url = reverse("people:import_detail", args=[team.project.pk, queued.pk])
    answers.append((f"GET {url}", client(Role.APP_CONSULTANT).get(url).status_code))
    url = reverse("password_reset")
    response = client("anonymous").post(url, {"email": team.user(Role.KEY_USER).email})
    answers.append((f"POST {url}", response.status_code))

    assert len(answers) > 50
    assert [f"{page}: {status}" for page, status in answers if status >= 500] == [
        "GET /health/ as anonymous: 503"  # what it is for: telling the monitoring the broker is down
    ]
