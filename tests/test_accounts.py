"""Accounts: Django's password validators apply wherever a password is set (the admin's new account and
password change pages, the account service used by the demo and any script), and a session ends after
twelve hours."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from people.models import User
from people.services import user_create

pytestmark = pytest.mark.django_db

WEAK = ["12345678", "password", "li.wei", "short"]
STRONG = "Tangerine-Forklift-42"


@pytest.mark.parametrize("weak", WEAK)
def test_the_admin_refuses_a_weak_password_for_a_new_account(team, weak):
    response = team.client_for("staff").post(
        reverse("admin:people_user_add"),
        {"username": "li.wei", "usable_password": "true", "password1": weak, "password2": weak},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["password2"]
    assert not User.objects.filter(username="li.wei").exists()


def test_the_admin_accepts_a_strong_password_for_a_new_account(team):
    response = team.client_for("staff").post(
        reverse("admin:people_user_add"),
        {"username": "li.wei", "usable_password": "true", "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302
    assert User.objects.get(username="li.wei").check_password(STRONG)


@pytest.mark.parametrize("weak", WEAK)
def test_the_admin_refuses_a_weak_password_change(team, weak):
    user = team.outsider
    response = team.client_for("staff").post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": weak, "password2": weak},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.check_password(weak)


def test_the_admin_accepts_a_strong_password_change(team):
    user = team.outsider
    response = team.client_for("staff").post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)


@pytest.mark.parametrize("weak", WEAK)
def test_the_account_service_refuses_a_weak_password(weak):
    with pytest.raises(ValidationError):
        user_create(username="li.wei", first_name="Wei", last_name="Li", password=weak)
    assert not User.objects.filter(username="li.wei").exists()


def test_the_account_service_takes_a_strong_password():
    assert user_create(username="li.wei", password=STRONG).check_password(STRONG)


def test_a_session_ends_after_twelve_hours(team):
    client = team.client_for("manager")
    home = reverse("home")
    with time_machine.travel(datetime.timedelta(hours=11, minutes=59)):
        assert client.get(home).status_code == 200
    with time_machine.travel(datetime.timedelta(hours=12, minutes=1)):
        response = client.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
