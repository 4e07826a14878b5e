"""Hardening: login throttling with a cool-off, the Content-Security-Policy, friendly error pages,
the remembered language and the health endpoint."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from people.models import Membership

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def log_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_repeated_failures_pause_logging_in_then_the_cool_off_ends(team, throttled, password):
    client = Client()
    with time_machine.travel(datetime.datetime(2026, 11, 24, 9, 0, tzinfo=datetime.UTC), tick=False):
        for _ in range(3):
            log_in(client, "keyuser", "wrong")
        locked = log_in(client, "keyuser", password)
        assert locked.status_code == 429
        assert "Too many failed log-in attempts." in locked.content.decode()
    with time_machine.travel(datetime.datetime(2026, 11, 24, 9, 16, tzinfo=datetime.UTC), tick=False):
        assert log_in(client, "keyuser", password).status_code == 302


def test_pages_carry_a_content_security_policy(team):
    response = team.client_for(Role.MANAGER).get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy


def test_a_404_is_a_friendly_page_in_the_apps_layout(team):
    response = team.client_for("outsider").get(reverse("projects:detail", args=[team.project.pk]))
    assert response.status_code == 404
    assert "Back to my projects" in response.content.decode()


def test_the_language_chosen_is_remembered_on_the_account(team):
    client = team.client_for(Role.KEY_USER)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    user = team.user(Role.KEY_USER)
    user.refresh_from_db()
    assert user.language == "zh-hans"
    fresh = Client()
    fresh.force_login(user)
    assert fresh.get(reverse("home")).headers["Content-Language"] == "zh-hans"


def test_an_unknown_language_changes_nothing(team):
    team.client_for(Role.KEY_USER).post(reverse("set_language"), {"language": "xx"})
    user = team.user(Role.KEY_USER)
    user.refresh_from_db()
    assert user.language == ""


def test_the_health_endpoint_reports_the_database_and_the_broker(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] in ("ok", "in process")
