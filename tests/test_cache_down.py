"""With Redis unreachable the cache degrades: pages answer (reads miss, writes are dropped), the login
throttle keeps working, and the password link's resend throttle fails closed with a message."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from people.models import Membership
from tests.matrix import routes

pytestmark = pytest.mark.django_db

Role = Membership.Role
CLOSED_PORT = "redis://127.0.0.1:1/0"


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": {"BACKEND": "erpteam.cache.RedisCache", "LOCATION": CLOSED_PORT}}


def test_every_page_answers_with_the_cache_down(world, cache_down):
    team = world.team
    clients = {}
    wrong = []
    for name, route in sorted(routes().items()):
        if not route.get:
            continue
        who = "anonymous" if route.public else sorted(route.get)[0]
        if who not in clients:
            clients[who] = team.client_for(who)
            clients[who].raise_request_exception = False
        response = clients[who].get(reverse(name, kwargs=route.kwargs(world, "own")))
        if response.status_code >= 500:
            wrong.append(f"{name}: {response.status_code}")
    assert not wrong


def test_the_password_link_is_refused_until_the_cache_is_back(world, cache_down):
    user = world.team.user(Role.END_USER)
    response = Client().post(reverse("password_reset"), {"email": user.email})
    assert response.status_code == 200
    assert "Links cannot be sent just now; try again in a few minutes." in response.content.decode()
    assert mail.outbox == []


def test_the_login_throttle_works_with_the_cache_down(world, cache_down, settings, password):
    settings.AXES_ENABLED = True
    user = world.team.user(Role.END_USER)
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("login"), {"username": user.username, "password": "wrong"})
    response = Client().post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 429
