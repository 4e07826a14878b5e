import pytest
from django.core import mail
from kombu.exceptions import OperationalError

from notifications import services
from notifications.models import Notification, NotificationPreference
from notifications.tasks import notification_email_send, notifications_outbox_sweep
from people.models import Membership

pytestmark = pytest.mark.django_db

Role = Membership.Role


def notify_keyuser(team, **overrides):
    arguments = {
        "recipients": [team.user(Role.KEY_USER)],
        "kind": Notification.Kind.ASSIGNED,
        "event_key": "issue:1:assigned:1",
        "subject": "Issue 1 was assigned to you",
        "body": "Posting fails",
        "url": "/p/1/issues/1/",
        "project": team.project,
        **overrides,
    }
    return services.notify(**arguments)


def test_a_notification_is_created_once_per_event_and_emailed_once(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_keyuser(team)
        notify_keyuser(team)
    assert Notification.objects.filter(recipient=team.user(Role.KEY_USER)).count() == 1
    assert [m.subject for m in mail.outbox] == ["Issue 1 was assigned to you"]
    assert Notification.objects.get().email_status == Notification.EmailStatus.SENT


def test_running_the_email_task_twice_sends_one_email(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = notify_keyuser(team)
    assert notification_email_send(notification.pk) is False
    assert len(mail.outbox) == 1


def test_a_kind_turned_off_is_not_emailed_but_still_shown(team, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=team.user(Role.KEY_USER), kind=Notification.Kind.ASSIGNED, email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify_keyuser(team)
    assert mail.outbox == []
    assert Notification.objects.get().email_status == Notification.EmailStatus.SKIPPED


def test_attachments_travel_with_the_email(team, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_keyuser(team, attachment=("invite.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"))
    assert mail.outbox[0].attachments[0][0] == "invite.ics"


def test_when_the_broker_is_down_the_email_waits_in_the_outbox(team, monkeypatch, django_capture_on_commit_callbacks):
    def broker_down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(notification_email_send, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        notify_keyuser(team)
    assert Notification.objects.get().email_status == Notification.EmailStatus.PENDING
    assert mail.outbox == []
    monkeypatch.undo()
    assert notifications_outbox_sweep() == 1
    assert Notification.objects.get().email_status == Notification.EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_each_person_gets_the_text_in_their_language(team):
    from django.utils.translation import gettext_lazy

    chinese = team.user(Role.MANAGER)
    chinese.language = "zh-hans"
    chinese.save()
    notify_keyuser(team, recipients=[chinese], subject=gettext_lazy("Simplified Chinese"))
    assert Notification.objects.get(recipient=chinese).subject == "简体中文"
