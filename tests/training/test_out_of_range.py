"""Dates outside any plausible range: refused when typed (form and service), and rows already stored with
one (written before the check, or around the services) still render on every page that shows them."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from people.models import Membership
from tests.training.conftest import session_make
from training import services
from training.models import TrainingSession

pytestmark = pytest.mark.django_db

Role = Membership.Role
UTC = datetime.UTC


def form(team, start: str, end: str) -> dict:
    return {
        "module": team.module.pk,
        "kind": TrainingSession.Kind.END_USER,
        "title": "Far away",
        "trainer": team.members[Role.KEY_USER].pk,
        "start_at": start,
        "end_at": end,
        "place": "Room 301",
        "capacity": 12,
    }


def test_a_session_in_year_one_is_refused_on_the_form(team):
    client = team.client_for(Role.KEY_USER)
    response = client.post(
        reverse("training:create", args=[team.project.pk]), form(team, "0001-01-01T00:00", "0001-01-01T02:00")
    )
    assert response.status_code == 200
    assert "Enter a date between 1900 and 2199." in response.context["form"].errors["start_at"]
    assert not TrainingSession.objects.exists()


def test_the_last_evening_of_9999_in_los_angeles_is_refused_on_the_form(team):
    keyuser = team.user(Role.KEY_USER)
    keyuser.time_zone = "America/Los_Angeles"
    keyuser.save()
    client = team.client_for(Role.KEY_USER)
    response = client.post(
        reverse("training:create", args=[team.project.pk]), form(team, "9999-12-31T20:00", "9999-12-31T21:00")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["start_at"] == ["Enter a date between 1900 and 2199."]
    assert not TrainingSession.objects.exists()


def test_the_service_refuses_a_session_out_of_range(team):
    start = datetime.datetime(2200, 1, 1, 9, tzinfo=UTC)
    with pytest.raises(ValidationError) as error:
        session_make(team, start=start)
    assert error.value.message_dict == {
        "start_at": ["Enter a date between 1900 and 2199."],
        "end_at": ["Enter a date between 1900 and 2199."],
    }
    session = session_make(team)
    with pytest.raises(ValidationError):
        services.session_update(session=session, start_at=datetime.datetime(1899, 12, 31, 9, tzinfo=UTC))


@pytest.fixture(params=["Asia/Shanghai", "America/Los_Angeles"])
def far_sessions(request, team):
    """Two sessions stored around the services at the very ends of what a datetime holds, seen by people
    east and west of UTC (either end overflows when converted to one of them)."""
    for user in (team.user(Role.KEY_USER), team.user(Role.END_USER), team.user(Role.MANAGER)):
        user.time_zone = request.param
        user.save()
    sessions = []
    for start in (datetime.datetime(1, 1, 1, tzinfo=UTC), datetime.datetime(9999, 12, 31, 20, tzinfo=UTC)):
        session = session_make(team, title=f"Far {start.year}")
        services.attendees_invite(session=session, memberships=[team.members[Role.END_USER]], override_capacity=True)
        for rows in (TrainingSession.objects.filter(pk=session.pk), TrainingSession.history.filter(id=session.pk)):
            rows.update(start_at=start, end_at=start + datetime.timedelta(hours=2))
        sessions.append(session)
    return sessions


@pytest.mark.parametrize("role", [Role.KEY_USER, Role.END_USER, Role.MANAGER])
def test_sessions_stored_out_of_range_still_render(team, far_sessions, role):
    client = team.client_for(role)
    project = team.project.pk
    pages = [
        reverse("training:list", args=[project]),
        reverse("training:mine", args=[project]),
        reverse("search:results") + "?q=Far",
        *(reverse("training:detail", args=[project, s.pk]) for s in far_sessions),
        *(reverse("training:session_ics", args=[project, s.pk]) for s in far_sessions),
    ]
    if role == Role.MANAGER:
        pages.append(reverse("audit:list", args=[project]))
    for page in pages:
        assert client.get(page).status_code == 200, page
    token = services.calendar_feed_token_get(user=team.user(Role.END_USER)).token
    assert Client().get(reverse("training:feed", args=[project, token])).status_code == 200


def test_a_session_stored_out_of_range_can_be_cancelled(team, far_sessions):
    client = team.client_for(Role.KEY_USER)
    for session in far_sessions:
        response = client.post(reverse("training:cancel", args=[team.project.pk, session.pk]))
        assert response.status_code == 302
        session.refresh_from_db()
        assert session.status == TrainingSession.Status.CANCELLED
