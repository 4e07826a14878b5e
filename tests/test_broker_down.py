"""When Redis is down, saving still works and no notification or import is lost.

Celery really publishes here (not eager) to a Redis address nobody listens on, and the requests run
their after-commit work for real (transactional tests): the page answers as usual, the email waits in
the outbox, a large roster import waits queued; once the broker is back (eager again), the periodic
sweeps send and import them, once.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from erpteam.celery import app as celery_app
from issues.models import Issue
from modules.services import module_end_user_add
from notifications.models import Notification
from notifications.tasks import notification_email_send, notifications_outbox_sweep
from people.models import Membership, RosterImport
from readiness.evidence import THRESHOLD_FIELDS
from team.roster.services import INLINE_LIMIT
from team.tasks import roster_imports_sweep
from tests.team.conftest import csv_bytes
from tests.training.conftest import session_make

pytestmark = pytest.mark.django_db(transaction=True)

Role = Membership.Role
DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1: connections are refused


def forget_broker_connections() -> None:
    """Drop the connection pools Celery made for the broker address in use (made on first publish)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def broker(settings):
    """Switch Celery to a broker that is down; `broker.back()` brings tasks back (in process)."""

    class Broker:
        @staticmethod
        def back():
            celery_app.conf.task_always_eager = True

    saved = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = DOWN, False
    forget_broker_connections()
    yield Broker
    celery_app.conf.broker_url, celery_app.conf.task_always_eager = saved
    forget_broker_connections()


def pending() -> list[Notification]:
    return list(Notification.objects.filter(email_status=Notification.EmailStatus.PENDING))


def test_the_broker_is_really_down_in_these_tests(broker):
    with pytest.raises(OperationalError, match=r"127\.0\.0\.1:1\b"):
        notification_email_send.delay(0)


def test_a_help_request_is_saved_and_its_email_sent_once_the_broker_is_back(team, broker):
    module_end_user_add(module=team.module, membership=team.members[Role.END_USER])
    response = team.client_for(Role.END_USER).post(
        reverse("issues:create", args=[team.project.pk]),
        {"module": team.module.pk, "title": "Cannot post an invoice", "description": "F5 201"},
    )
    assert response.status_code == 302
    assert Issue.objects.get().title == "Cannot post an invoice"
    (waiting,) = pending()
    assert waiting.recipient == team.user(Role.KEY_USER)
    assert mail.outbox == []

    broker.back()
    assert notifications_outbox_sweep.delay().get() == 1
    assert notifications_outbox_sweep.delay().get() == 0
    assert [message.to for message in mail.outbox] == [[team.user(Role.KEY_USER).email]]
    assert pending() == []


def test_a_training_invitation_is_saved_and_sent_with_its_calendar_file_once_the_broker_is_back(team, broker):
    session = session_make(team)
    response = team.client_for(Role.KEY_USER).post(
        reverse("training:invite", args=[team.project.pk, session.pk]), {"people": [team.members[Role.END_USER].pk]}
    )
    assert response.status_code == 302
    assert session.attendances.get().membership == team.members[Role.END_USER]
    (waiting,) = pending()
    assert waiting.attachment_name.endswith(".ics")

    broker.back()
    notifications_outbox_sweep.delay()
    (invitation,) = mail.outbox
    assert invitation.to == [team.user(Role.END_USER).email]
    assert invitation.attachments[0][0].endswith(".ics")


def test_a_large_roster_import_waits_queued_and_the_sweep_runs_it_once_the_broker_is_back(team, broker):
    rows = [[f"Person {n}", f"person.{n}", "", "Finance", "end_user", "fin", ""] for n in range(INLINE_LIMIT + 1)]
    client = team.client_for(Role.APP_CONSULTANT)
    response = client.post(
        reverse("people:import", args=[team.project.pk]),
        {"file": SimpleUploadedFile("roster.csv", csv_bytes(rows))},
    )
    roster_import = RosterImport.objects.get()
    response = client.post(reverse("people:import_confirm", args=[team.project.pk, roster_import.pk]))
    assert response.status_code == 302
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.QUEUED

    broker.back()
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=6)):
        assert roster_imports_sweep.delay().get() == 1
        assert roster_imports_sweep.delay().get() == 0
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE
    assert Membership.objects.filter(project=team.project, role=Role.END_USER).count() == INLINE_LIMIT + 2


def test_changing_the_readiness_thresholds_succeeds_while_the_broker_is_down(team, broker):
    form = {name: getattr(team.project, name) for name in THRESHOLD_FIELDS}
    response = team.client_for(Role.APP_CONSULTANT).post(
        reverse("readiness:thresholds", args=[team.project.pk]), {**form, "readiness_training_ready": 90}
    )
    assert response.status_code == 302
    team.project.refresh_from_db()
    assert team.project.readiness_training_ready == 90
