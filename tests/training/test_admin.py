"""Training in the Django admin: read-only pages with history, and two actions through the services."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests.training.conftest import end_user_make, session_make
from training import services
from training.models import Attendance, CalendarFeedToken, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [TrainingSession, Attendance, CalendarFeedToken])
def test_staff_can_look_training_up_but_not_edit_it_there(team, model):
    session = session_make(team)
    services.attendees_invite(session=session, memberships=[end_user_make(team)])
    services.calendar_feed_token_get(user=team.staff)
    client = team.client_for("staff")
    opts = model._meta
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 403
    obj = model.objects.first()
    page = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()


def test_cancelling_sessions_from_the_admin_goes_through_the_service(team, django_capture_on_commit_callbacks):
    session = session_make(team)
    services.attendees_invite(session=session, memberships=[end_user_make(team)])
    client = team.client_for("staff")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:training_trainingsession_changelist"),
            {"action": "cancel_sessions", ACTION_CHECKBOX_NAME: [session.pk]},
        )
    session.refresh_from_db()
    assert session.status == TrainingSession.Status.CANCELLED
    assert session.sequence == 1  # the service's work: calendars are told


def test_replacing_a_calendar_link_from_the_admin(team):
    old = services.calendar_feed_token_get(user=team.user("end_user")).token
    token = CalendarFeedToken.objects.get()
    team.client_for("staff").post(
        reverse("admin:training_calendarfeedtoken_changelist"),
        {"action": "reset_tokens", ACTION_CHECKBOX_NAME: [token.pk]},
    )
    assert CalendarFeedToken.objects.get().token != old
