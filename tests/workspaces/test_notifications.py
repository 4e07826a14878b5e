"""What happened to my things reaches me in the app, and by email unless I turned that kind off: assigned,
escalated, a decision on my issue, a session I am invited to, a deliverable due. Once per event, and
only for its recipient."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from issues import services as issue_services
from modules import services as module_services
from modules.models import Deliverable
from modules.tasks import deliverables_due_notify
from notifications.models import Notification
from notifications.services import preferences_set
from people.models import Membership
from tests.training.conftest import end_user_make, session_make
from tests.workspaces.conftest import days, deliverable_make, issue_make
from training import services as training_services

pytestmark = pytest.mark.django_db

Role = Membership.Role
Kind = Notification.Kind


def notifications(user, kind: str | None = None) -> list[Notification]:
    found = Notification.objects.filter(recipient=user)
    return list(found.filter(kind=kind) if kind else found)


def test_an_owner_hears_once_of_a_deliverable_due_soon_or_overdue(team, morning, django_capture_on_commit_callbacks):
    key_user = team.members[Role.KEY_USER]
    soon = deliverable_make(team.module, name="Quick reference card", due=days(5), owner=key_user)
    late = deliverable_make(team.module, name="Vendor master load", due=days(-3), owner=key_user)
    deliverable_make(team.module, name="Later", due=days(30), owner=key_user)
    deliverable_make(team.module, name="Finished", due=days(1), owner=key_user, status=Deliverable.Status.DONE)
    deliverable_make(team.module, name="Nobody's", due=days(1), owner=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliverables_due_notify() == 2
        assert deliverables_due_notify() == 0  # beat runs it again: nothing new
    received = notifications(key_user.user, Kind.DELIVERABLE_DUE)
    assert sorted(n.subject for n in received) == [
        f"Deliverable due on {soon.due_date.isoformat()}: Quick reference card · Finance",
        f"Deliverable overdue since {late.due_date.isoformat()}: Vendor master load · Finance",
    ]
    assert {n.url for n in received} == {
        reverse("modules:detail", args=[team.project.pk, team.module.pk]) + "#deliverables"
    }
    assert sorted(message.subject for message in mail.outbox) == sorted(n.subject for n in received)
    assert all(message.to == [key_user.user.email] for message in mail.outbox)


def test_a_new_due_date_is_worth_a_new_notice(team, morning):
    key_user = team.members[Role.KEY_USER]
    deliverable = deliverable_make(team.module, name="Quick reference card", due=days(5), owner=key_user)
    deliverables_due_notify()
    module_services.deliverable_update(
        deliverable=deliverable, acting_user=None, status=deliverable.status, owner=key_user, due_date=days(9)
    )
    deliverables_due_notify()
    assert len(notifications(key_user.user, Kind.DELIVERABLE_DUE)) == 2


def test_a_deactivated_owner_is_not_told(team, morning):
    consultant = team.members[Role.APP_CONSULTANT]
    deliverable_make(team.module, name="Quick reference card", due=days(5), owner=consultant)
    Membership.objects.filter(pk=consultant.pk).update(is_active=False)
    assert deliverables_due_notify() == 0


def test_the_deliverable_reminder_runs_on_beat():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "modules.tasks.deliverables_due_notify" in tasks


def test_an_email_preference_turned_off_keeps_the_notice_in_the_app_only(
    team, morning, django_capture_on_commit_callbacks
):
    key_user = team.members[Role.KEY_USER]
    preferences_set(user=key_user.user, email_kinds=[kind for kind in Kind.values if kind != Kind.DELIVERABLE_DUE])
    deliverable_make(team.module, name="Quick reference card", due=days(5), owner=key_user)
    with django_capture_on_commit_callbacks(execute=True):
        deliverables_due_notify()
    (notice,) = notifications(key_user.user, Kind.DELIVERABLE_DUE)
    assert notice.email_status == Notification.EmailStatus.SKIPPED
    assert mail.outbox == []


def test_a_notice_is_visible_only_to_its_recipient(team, morning):
    key_user = team.members[Role.KEY_USER]
    deliverable_make(team.module, name="Quick reference card", due=days(5), owner=key_user)
    deliverables_due_notify()
    (notice,) = notifications(key_user.user)
    assert "Quick reference card" in team.client_for(Role.KEY_USER).get(reverse("notifications:list")).content.decode()
    for someone_else in (Role.APP_CONSULTANT, Role.MANAGER, "outsider"):
        client = team.client_for(someone_else)
        assert "Quick reference card" not in client.get(reverse("notifications:list")).content.decode()
        assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_each_event_of_my_things_notifies_me_once(team, morning, django_capture_on_commit_callbacks):
    """Assigned, escalated, a decision on my issue and an invitation: one notice each, and an email each."""
    key_user, consultant = team.members[Role.KEY_USER], team.members[Role.APP_CONSULTANT]
    it_user, end_user = team.members[Role.IT_USER], team.members[Role.END_USER]
    with django_capture_on_commit_callbacks(execute=True):
        issue = issue_make(team.module, key_user, "Tax code missing", affected_end_user=end_user)
        issue_services.issue_assign(issue=issue, assignee=it_user, actor=key_user)
        issue_services.issue_escalate(
            issue=issue, to_tier="consultant", reason="Business rule", actor=key_user, assignee=consultant
        )
        option = issue_services.solution_option_add(
            issue=issue, author=consultant, summary="New tax code", effort="low", risk="low"
        )
        issue_services.issue_decide(issue=issue, option=option, reason="Cheapest", actor=consultant)
        session = session_make(team, title="Month-end closing")
        attendee = end_user_make(team)
        training_services.attendees_invite(session=session, memberships=[attendee])
        training_services.attendees_invite(session=session, memberships=[attendee])  # asked twice: told once
    assert [n.kind for n in notifications(it_user.user)] == [Kind.ASSIGNED]
    assert [n.kind for n in notifications(consultant.user)] == [Kind.ESCALATED]
    assert [n.kind for n in notifications(end_user.user)] == [Kind.DECISION]
    assert [n.kind for n in notifications(key_user.user)] == [Kind.DECISION]  # reporter and Key User of the module
    assert [n.kind for n in notifications(attendee.user)] == [Kind.INVITED]
    recipients = sorted(email for message in mail.outbox for email in message.to)
    assert recipients == sorted(
        [it_user.user.email, consultant.user.email, end_user.user.email, key_user.user.email, attendee.user.email]
    )


def test_the_unread_count_drops_when_a_notice_is_opened(team, morning):
    key_user = team.members[Role.KEY_USER]
    deliverable_make(team.module, name="Quick reference card", due=days(5), owner=key_user)
    deliverables_due_notify()
    client = team.client_for(Role.KEY_USER)
    assert '<span class="badge rounded-pill text-bg-danger">1<' in client.get(reverse("home")).content.decode()
    (notice,) = notifications(key_user.user)
    client.get(reverse("notifications:open", args=[notice.pk]))
    assert '<span class="badge rounded-pill text-bg-danger">' not in client.get(reverse("home")).content.decode()


def test_a_person_hears_when_an_issue_waits_on_them(team, morning):
    key_user, end_user = team.members[Role.KEY_USER], team.members[Role.END_USER]
    issue = issue_make(team.module, end_user, "Credit memo")
    issue_services.issue_transition(issue=issue, to_status="triaged", actor=key_user)
    issue_services.issue_transition(
        issue=issue, to_status="waiting", actor=key_user, waiting_on=end_user, note="Which vendor was it?"
    )
    (notice,) = [n for n in notifications(end_user.user) if "waiting on you" in n.subject]
    assert notice.body == "Which vendor was it?"
    assert notice.url == reverse("issues:detail", args=[team.project.pk, issue.pk])


@pytest.mark.parametrize("hours", [1, 24 * 3])
def test_the_reminder_of_a_deliverable_due_today_is_the_same_notice_later_in_the_day(team, morning, hours):
    key_user = team.members[Role.KEY_USER]
    deliverable_make(team.module, name="Quick reference card", due=days(0), owner=key_user)
    deliverables_due_notify()
    morning.shift(datetime.timedelta(hours=hours))
    deliverables_due_notify()
    assert len(notifications(key_user.user, Kind.DELIVERABLE_DUE)) == 1
