"""When the database cannot serve a request in time (no pooled connection free, the server unreachable),
the person gets a 503 asking to try again, never a 500 or a hanging page."""

from unittest import mock

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client
from django.urls import reverse
from psycopg_pool import PoolTimeout

from people.models import Membership

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def production(settings):
    settings.DEBUG = False


@pytest.mark.parametrize(
    "error", [OperationalError("connection refused"), InterfaceError("closed"), PoolTimeout("no connection")]
)
def test_a_page_the_database_cannot_serve_is_a_503_to_try_again(team, production, error):
    client = team.client_for(Role.KEY_USER)
    client.raise_request_exception = False
    with mock.patch("training.views.selectors.session_list", side_effect=error):
        response = client.get(reverse("training:list", args=[team.project.pk]))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The database is busy, try again in a moment." in response.content.decode()


def test_the_signed_in_persons_session_unreadable_is_a_503_too(team, production):
    client = team.client_for(Role.KEY_USER)
    client.raise_request_exception = False
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=OperationalError("down")):
        response = client.get(reverse("home"))
    assert response.status_code == 503


def test_any_other_error_is_still_a_500(team, production):
    client = team.client_for(Role.KEY_USER)
    client.raise_request_exception = False
    with mock.patch("training.views.selectors.session_list", side_effect=RuntimeError("bug")):
        response = client.get(reverse("training:list", args=[team.project.pk]))
    assert response.status_code == 500


def test_a_nul_character_in_the_address_or_a_form_is_a_400(team):
    client = Client()
    assert client.get("/p/1/training/calendar/%00.ics").status_code == 400
    client = team.client_for(Role.KEY_USER)
    assert client.get(reverse("search:results"), {"q": "\x00"}).status_code == 400
    response = client.post(reverse("training:create", args=[team.project.pk]), {"title": "a\x00b"})
    assert response.status_code == 400
    assert "This request cannot be read." in response.content.decode()
