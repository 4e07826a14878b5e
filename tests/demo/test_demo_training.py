"""The demo's training: idempotent, with completion figures that differ between modules, and the story
of the issue (consultant schedules a train-the-trainer session, keyuser runs an end-user session and
the module's figure moves)."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import Project
from training import selectors
from training.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_project(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    call_command("seed_demo")
    return Project.objects.get(code="hdpm-s4")


def login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="erpteam-demo")
    return client


def completion(project) -> dict[str, tuple[int, int]]:
    return {
        row.module.code: (row.end_users.done, row.end_users.required)
        for row in selectors.module_training_completion(project=project)
    }


def test_seeding_the_training_twice_changes_nothing(demo_project):
    before = (TrainingSession.objects.count(), Attendance.objects.count(), completion(demo_project))
    call_command("seed_demo")
    assert (TrainingSession.objects.count(), Attendance.objects.count(), completion(demo_project)) == before


def test_the_demo_modules_are_trained_to_different_degrees(demo_project):
    figures = completion(demo_project)
    assert figures["fin-gl"] == (2, 2)
    assert figures["sd"] == (2, 2)
    assert figures["wm"] == (1, 2)
    assert figures["pp"] == (0, 2)
    certified = {
        r.module.code: r.key_users.complete for r in selectors.module_training_completion(project=demo_project)
    }
    assert certified["fin-ap"]
    assert not certified["pp"]  # late at the train-the-trainer session
    assert not certified["qm"]  # not held yet


def test_keyuser_gives_enduser_a_session_this_week(demo_project):
    session = TrainingSession.objects.get(
        module__project=demo_project, trainer__user__username="keyuser", status=TrainingSession.Status.PLANNED
    )
    assert session.attendances.filter(membership__user__username="enduser").exists()
    assert timezone.now() < session.start_at < timezone.now() + datetime.timedelta(days=7)


def test_the_story_of_the_issue_on_the_demo(demo_project):
    """consultant schedules a train-the-trainer session; keyuser schedules and runs an end-user session,
    records attendance, and the module's completion figure changes."""
    consultant, keyuser = login("consultant"), login("keyuser")
    pid = demo_project.pk
    ap = demo_project.modules.get(code="fin-ap")
    start = timezone.localtime().replace(hour=0, minute=10, second=0, microsecond=0)
    form = {
        "kind": "train_the_trainer",
        "title": "Accounts payable: advanced topics",
        "trainer": demo_project.memberships.get(user__username="consultant").pk,
        "start_at": (start + datetime.timedelta(days=6)).strftime("%Y-%m-%dT%H:%M"),
        "end_at": (start + datetime.timedelta(days=6, hours=3)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Training room 2",
        "capacity": 8,
    }
    assert consultant.post(reverse("training:create", args=[pid]), {**form, "module": ap.pk}).status_code == 302

    form.update(
        kind="end_user",
        title="Accounts payable: today's walk-through",
        trainer=demo_project.memberships.get(user__username="keyuser").pk,
        start_at=start.strftime("%Y-%m-%dT%H:%M"),
        end_at=(start + datetime.timedelta(hours=23)).strftime("%Y-%m-%dT%H:%M"),
    )
    response = keyuser.post(reverse("training:create", args=[pid]), {**form, "module": ap.pk})
    session = TrainingSession.objects.get(title="Accounts payable: today's walk-through")
    assert response.status_code == 302
    assert completion(demo_project)["fin-ap"] == (0, 1)

    keyuser.post(reverse("training:invite_not_yet_trained", args=[pid, session.pk]))
    (attendance,) = session.attendances.all()
    keyuser.post(reverse("training:attendance", args=[pid, session.pk]), {f"status_{attendance.pk}": "present"})

    assert completion(demo_project)["fin-ap"] == (1, 1)
