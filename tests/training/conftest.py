"""Training fixtures: sessions made through the services, end users assigned to modules, and files kept
in memory."""

import datetime

import pytest
from django.utils import timezone

from modules.services import module_end_user_add
from people.models import Membership
from tests.factories import MembershipFactory, UserFactory
from training import services
from training.models import TrainingSession

Role = Membership.Role
Kind = TrainingSession.Kind


@pytest.fixture(autouse=True)
def _files_in_memory(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


def at(days: int = 1, hour: int = 9, minute: int = 30) -> datetime.datetime:
    """A time `days` from today, in the site's time zone."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def session_make(team, *, kind=Kind.END_USER, module=None, trainer=None, start=None, hours=2, **fields):
    """A session made through the service: by default an end-user session of the team's module given by
    its Key User tomorrow morning (a train-the-trainer one is given by the consultant)."""
    if trainer is None:
        trainer = team.members[Role.APP_CONSULTANT if kind == Kind.TRAIN_THE_TRAINER else Role.KEY_USER]
    start = start or at(1)
    return services.session_create(
        module=module or team.module,
        kind=kind,
        title=fields.pop("title", f"{kind} session"),
        trainer=trainer,
        start_at=start,
        end_at=start + datetime.timedelta(hours=hours),
        capacity=fields.pop("capacity", 20),
        place=fields.pop("place", "Room 301"),
        **fields,
    )


def end_user_make(team, *modules, username=None, department="Finance") -> Membership:
    """An end user of the team's project working in these modules (the team's module by default)."""
    user = UserFactory(username=username) if username else UserFactory()
    membership = MembershipFactory(project=team.project, role=Role.END_USER, user=user, department=department)
    for module in modules or (team.module,):
        module_end_user_add(module=module, membership=membership)
    return membership


def held(session, marks: dict, *, now=None) -> TrainingSession:
    """Invite the people in `marks` (membership → status or (status, passed)) and record the attendance."""
    attendances = services.attendees_invite(session=session, memberships=list(marks), override_capacity=True)
    by_person = {a.membership_id: a for a in attendances}
    recorded = {}
    for membership, mark in marks.items():
        status, passed = mark if isinstance(mark, tuple) else (mark, None)
        recorded[by_person[membership.pk].pk] = (status, passed)
    return services.attendance_record(session=session, marks=recorded, now=now or session.end_at)
