"""Training routes in the permission matrix. The team's session is an end-user session of the team's
module, given by its Key User yesterday, with the team's end user invited: the end user may see it
(sessions they are not invited to are a 404 for them, see test_views). The calendar feed is public: its
secret link is the key."""

import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from modules.models import BusinessModule
from people.models import Membership
from tests.factories import MembershipFactory
from tests.matrix import ALL_ROLES, CONSULTANTS, READERS, Route
from training import services
from training.models import TrainingSession

Role = Membership.Role

SCHEDULERS = CONSULTANTS | {Role.KEY_USER}
RECORDERS = CONSULTANTS | {Role.KEY_USER}  # the Key User gives the team's session
GO_LIVE = CONSULTANTS | {Role.IT_USER, Role.MANAGER}
MATERIALS = "training/materials/permission-matrix/agenda.pdf"


def _session(module: BusinessModule, trainer: Membership, attendee: Membership | None):
    start = timezone.now() - datetime.timedelta(days=1)
    session = services.session_create(
        module=module,
        kind=TrainingSession.Kind.END_USER,
        title="Posting invoices",
        trainer=trainer,
        start_at=start,
        end_at=start + datetime.timedelta(hours=2),
        capacity=10,
        place="Room 301",
    )
    if not default_storage.exists(MATERIALS):
        default_storage.save(MATERIALS, ContentFile(b"%PDF-1.4 agenda"))
    TrainingSession.objects.filter(pk=session.pk).update(materials_file=MATERIALS)
    attendances = services.attendees_invite(session=session, memberships=[attendee] if attendee else [])
    return session, (attendances[0] if attendances else None)


def objects(team):
    own, own_attendance = _session(team.module, team.members[Role.KEY_USER], team.members[Role.END_USER])
    other_key_user = team.other_module.key_user_assignments.get().membership
    other_end_user = MembershipFactory(project=team.other_project, role=Role.END_USER)
    other, other_attendance = _session(team.other_module, other_key_user, other_end_user)
    token = services.calendar_feed_token_get(user=team.user(Role.END_USER))
    return {
        "session": (own, other),
        "attendance": (own_attendance, other_attendance),
        "feed_token": (token, token),
    }


def project(world, which):
    return {"project_id": world.project_id(which)}


def session(world, which):
    return {**project(world, which), "session_id": world.obj("session", which).pk}


def attendance(world, which):
    return {**session(world, which), "attendance_id": world.obj("attendance", which).pk}


def feed(world, which):
    return {**project(world, which), "token": world.obj("feed_token", which).token}


ROUTES = {
    "training:list": Route(kwargs=project, get=ALL_ROLES),
    "training:completion": Route(kwargs=project, get=READERS),
    "training:mine": Route(kwargs=project, get=ALL_ROLES),
    "training:go_live_access": Route(kwargs=project, get=GO_LIVE),
    "training:feed": Route(kwargs=feed, get=ALL_ROLES, project_scoped=False, public=True),
    "training:feed_reset": Route(kwargs=project, get=None, post=ALL_ROLES),
    "training:create": Route(kwargs=project, get=SCHEDULERS, post=SCHEDULERS),
    "training:detail": Route(kwargs=session, get=ALL_ROLES),
    "training:update": Route(kwargs=session, get=SCHEDULERS, post=SCHEDULERS),
    "training:cancel": Route(kwargs=session, get=None, post=SCHEDULERS),
    "training:invite": Route(kwargs=session, get=SCHEDULERS, post=SCHEDULERS),
    "training:invite_not_yet_trained": Route(kwargs=session, get=None, post=SCHEDULERS),
    "training:attendee_remove": Route(kwargs=attendance, get=None, post=SCHEDULERS),
    "training:attendance": Route(kwargs=session, get=RECORDERS, post=RECORDERS),
    "training:sign_in_sheet": Route(kwargs=session, get=READERS),
    "training:session_ics": Route(kwargs=session, get=ALL_ROLES),
    "training:materials": Route(kwargs=session, get=ALL_ROLES),
}
