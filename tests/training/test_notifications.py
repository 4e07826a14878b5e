"""Invitations, changes, cancellations and reminders: emails through Celery after commit, with a valid
.ics in the right time zone; the reminder goes out once."""

import datetime
import zoneinfo

import icalendar
import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import translation

from notifications.models import Notification
from people.models import Membership
from tests.training.conftest import at, end_user_make, session_make
from training import services
from training.models import TrainingSession
from training.tasks import training_reminders_send, training_session_remind

pytestmark = pytest.mark.django_db

Role = Membership.Role
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def calendar_of(message) -> icalendar.Calendar:
    ((name, content, mimetype),) = message.attachments
    assert name.endswith(".ics")
    assert mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(content)


def event_of(calendar) -> icalendar.Event:
    (event,) = calendar.walk("VEVENT")
    return event


def shanghai(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=SHANGHAI)


@pytest.fixture
def session(team):
    start = shanghai(datetime.date.today() + datetime.timedelta(days=7), 9, 30)
    return session_make(team, start=start, hours=2, title="Posting vendor invoices")


def test_an_invitation_is_emailed_after_commit_with_a_valid_ics_in_utc(
    team, session, django_capture_on_commit_callbacks
):
    person = end_user_make(team)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.attendees_invite(session=session, memberships=[person])
    assert mail.outbox == []  # nothing leaves before the transaction commits
    assert callbacks
    for callback in callbacks:
        callback()

    (message,) = mail.outbox
    assert message.to == [person.user.email]
    assert message.subject.startswith("Training invitation: Posting vendor invoices")
    assert "09:30–11:30 (Asia/Shanghai)" in message.subject
    calendar = calendar_of(message)
    assert calendar["METHOD"] == "REQUEST"
    assert calendar["VERSION"] == "2.0"
    event = event_of(calendar)
    start = event.decoded("DTSTART")
    assert start == session.start_at
    assert start.utcoffset() == datetime.timedelta(0)
    assert event.to_ical().decode().count("DTSTART:") == 1
    assert "T013000Z" in event.to_ical().decode()  # 09:30 in Shanghai is 01:30 UTC
    assert event.decoded("DTEND") - start == datetime.timedelta(hours=2)
    assert str(event["UID"]) == f"training-session-{session.pk}@127.0.0.1"
    assert str(event["ORGANIZER"]) == f"mailto:{team.user(Role.KEY_USER).email}"
    assert str(event["ATTENDEE"]) == f"mailto:{person.user.email}"
    assert str(event["LOCATION"]) == "Room 301"
    assert Notification.objects.get(recipient=person.user).kind == Notification.Kind.INVITED


def test_each_person_reads_the_time_in_their_own_time_zone(team, session, django_capture_on_commit_callbacks):
    person = end_user_make(team)
    person.user.time_zone = "Europe/Berlin"
    person.user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.attendees_invite(session=session, memberships=[person])
    (message,) = mail.outbox
    berlin = session.start_at.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    assert f"{berlin:%H:%M}" in message.subject
    assert "(Europe/Berlin)" in message.subject


def test_each_person_reads_the_calendar_event_in_their_own_language(team, session, django_capture_on_commit_callbacks):
    chinese, english = end_user_make(team), end_user_make(team)
    chinese.user.language = "zh-hans"
    chinese.user.save()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.attendees_invite(session=session, memberships=[chinese, english])
    descriptions = {message.to[0]: str(event_of(calendar_of(message))["DESCRIPTION"]) for message in mail.outbox}
    assert "最终用户培训" in descriptions[chinese.user.email]
    assert "End-user training" in descriptions[english.user.email]


def test_people_added_after_the_start_get_no_invitation(team, django_capture_on_commit_callbacks):
    session = session_make(team, start=at(0, 0, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.attendees_invite(session=session, memberships=[end_user_make(team)])
    assert mail.outbox == []


def test_moving_a_session_sends_an_updated_invitation(team, session, django_capture_on_commit_callbacks):
    person = end_user_make(team)
    with django_capture_on_commit_callbacks(execute=True):
        services.attendees_invite(session=session, memberships=[person])
        services.session_update(
            session=session,
            start_at=session.start_at + datetime.timedelta(hours=4),
            end_at=session.end_at + datetime.timedelta(hours=4),
        )
    invitation, update = mail.outbox
    assert update.subject.startswith("Training changed: Posting vendor invoices, now")
    assert "13:30–15:30" in update.subject
    event = event_of(calendar_of(update))
    assert event["SEQUENCE"] == 1
    assert event["UID"] == event_of(calendar_of(invitation))["UID"]


def test_cancelling_sends_a_cancellation_that_removes_the_event(team, session, django_capture_on_commit_callbacks):
    person = end_user_make(team)
    with django_capture_on_commit_callbacks(execute=True):
        services.attendees_invite(session=session, memberships=[person])
        services.session_cancel(session=session)
    cancellation = mail.outbox[-1]
    assert cancellation.subject.startswith("Training cancelled")
    calendar = calendar_of(cancellation)
    assert calendar["METHOD"] == "CANCEL"
    assert event_of(calendar)["STATUS"] == "CANCELLED"
    assert event_of(calendar)["SEQUENCE"] == 1


def test_taking_someone_off_the_list_cancels_their_event(team, session, django_capture_on_commit_callbacks):
    person = end_user_make(team)
    with django_capture_on_commit_callbacks(execute=True):
        (attendance,) = services.attendees_invite(session=session, memberships=[person])
        services.attendee_remove(attendance=attendance)
    assert calendar_of(mail.outbox[-1])["METHOD"] == "CANCEL"
    assert not session.attendances.exists()


def test_the_reminder_goes_out_once_a_day_ahead_to_the_invited_and_the_trainer(
    team, session, django_capture_on_commit_callbacks
):
    invited, excused, late_invite = end_user_make(team), end_user_make(team), end_user_make(team)
    with time_machine.travel(session.start_at - datetime.timedelta(days=3), tick=False):
        services.attendees_invite(session=session, memberships=[invited, excused])
    session.attendances.filter(membership=excused).update(status="excused")
    with time_machine.travel(session.start_at - datetime.timedelta(hours=20), tick=False):
        services.attendees_invite(session=session, memberships=[late_invite])
    mail.outbox.clear()

    with time_machine.travel(session.start_at - datetime.timedelta(hours=12), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert training_reminders_send() == 1
        with django_capture_on_commit_callbacks(execute=True):
            training_reminders_send()  # beat runs again: nothing new

    reminders = [m for m in mail.outbox if m.subject.startswith("Reminder:")]
    assert sorted(m.to[0] for m in reminders) == sorted([invited.user.email, team.user(Role.KEY_USER).email])
    assert calendar_of(reminders[0])["METHOD"] == "REQUEST"
    assert Notification.objects.filter(kind=Notification.Kind.REMINDER).count() == 2


def test_no_reminder_before_the_last_day_nor_for_a_cancelled_session(team, session, django_capture_on_commit_callbacks):
    with time_machine.travel(session.start_at - datetime.timedelta(days=3), tick=False):
        services.attendees_invite(session=session, memberships=[end_user_make(team)])
        mail.outbox.clear()
        assert training_reminders_send() == 0
    services.session_cancel(session=session)
    with time_machine.travel(session.start_at - datetime.timedelta(hours=2), tick=False):
        assert training_reminders_send() == 0
    assert not Notification.objects.filter(kind=Notification.Kind.REMINDER).exists()


def test_a_rescheduled_session_is_reminded_again(team, session, django_capture_on_commit_callbacks):
    with time_machine.travel(session.start_at - datetime.timedelta(hours=10), tick=False):
        training_reminders_send()
        services.session_update(
            session=session,
            start_at=session.start_at + datetime.timedelta(hours=5),
            end_at=session.end_at + datetime.timedelta(hours=5),
        )
        training_reminders_send()
    assert Notification.objects.filter(kind=Notification.Kind.REMINDER).count() == 2  # the trainer, twice


def test_the_reminder_runs_on_beat():
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "training.tasks.training_reminders_send" in entries


def test_the_reminder_task_does_nothing_for_a_deleted_session(team, session):
    pk = session.pk
    TrainingSession.objects.filter(pk=pk).delete()
    assert training_session_remind(pk) == 0
