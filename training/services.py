"""Every write to training sessions, invitations, attendance and calendar feed links.

Invitations, changes, cancellations and reminders reach people through `notifications.notify`, one
notification per person and event, with an .ics attachment; the emails leave after commit.
"""

import datetime
import zoneinfo
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_create_with_history

from erpteam.readiness_registry import evidence_changed
from modules.models import BusinessModule, KeyUserAssignment
from notifications.models import Notification
from notifications.services import notify
from people.models import Membership
from training import ics
from training.models import Attendance, CalendarFeedToken, TrainingSession, calendar_token

Role = Membership.Role
Kind = TrainingSession.Kind
Status = TrainingSession.Status

# Attendance may be taken from a little before the start: trainers open the page at the door.
ATTENDANCE_OPENS_BEFORE = datetime.timedelta(hours=1)
REMINDER_AHEAD = datetime.timedelta(hours=24)

SESSION_FIELDS = {
    "kind",
    "title",
    "description",
    "trainer",
    "start_at",
    "end_at",
    "place",
    "online_link",
    "capacity",
    "materials_link",
    "materials_file",
    "has_assessment",
}
# Changes that move the event in people's calendars: they get an updated invitation.
CALENDAR_FIELDS = {"title", "start_at", "end_at", "place", "online_link"}


def _lock(session: TrainingSession) -> TrainingSession:
    return (
        TrainingSession.objects.select_for_update(of=("self",))
        .select_related("module", "trainer__user")
        .get(pk=session.pk)
    )


def _require_trainer(*, module: BusinessModule, kind: str, trainer: Membership | None) -> None:
    """Consultants train the Key Users; a Key User of the module (or a consultant) trains its end users."""
    if trainer is None:
        raise ValidationError({"trainer": _("Choose who gives the session.")}, code="no_trainer")
    name = trainer.user.display_name
    if trainer.project_id != module.project_id or not trainer.is_active or not trainer.user.is_active:
        raise ValidationError(
            {"trainer": _("%(person)s is not an active member of this project.") % {"person": name}},
            code="trainer_not_member",
        )
    if trainer.is_consultant:
        return
    if kind == Kind.TRAIN_THE_TRAINER:
        raise ValidationError(
            {
                "trainer": _("Train-the-trainer sessions are given by a consultant; %(person)s is not one.")
                % {"person": name}
            },
            code="trainer_not_consultant",
        )
    if not KeyUserAssignment.objects.effective().filter(module=module, membership=trainer).exists():
        raise ValidationError(
            {
                "trainer": _(
                    "%(person)s is not a Key User of %(module)s; a Key User of the module or a consultant "
                    "gives its end-user sessions."
                )
                % {"person": name, "module": module.name}
            },
            code="trainer_not_key_user",
        )


def _places_taken(session: TrainingSession) -> int:
    return Attendance.objects.filter(session=session).exclude(status=Attendance.Status.EXCUSED).count()


def session_create(
    *,
    module: BusinessModule,
    kind: str,
    title: str,
    trainer: Membership,
    start_at: datetime.datetime,
    end_at: datetime.datetime,
    capacity: int,
    place: str = "",
    online_link: str = "",
    materials_link: str = "",
    materials_file=None,
    has_assessment: bool = False,
    description: str = "",
    created_by=None,
) -> TrainingSession:
    """Schedule a session of a module, given by a trainer allowed for its kind."""
    with transaction.atomic():
        _require_trainer(module=module, kind=kind, trainer=trainer)
        session = TrainingSession(
            module=module,
            kind=kind,
            title=title,
            description=description,
            trainer=trainer,
            start_at=start_at,
            end_at=end_at,
            place=place,
            online_link=online_link,
            capacity=capacity,
            materials_link=materials_link,
            materials_file=materials_file or "",
            has_assessment=has_assessment,
            created_by=created_by,
        )
        session.full_clean()
        session.save()
    return session


def session_update(*, session: TrainingSession, **fields) -> TrainingSession:
    """Change a session. A new time, place or link raises the calendar sequence and sends the invited
    people an updated invitation. A cancelled session stays as it is."""
    if unknown := set(fields) - SESSION_FIELDS:
        raise TypeError(f"session_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        session = _lock(session)
        if session.is_cancelled:
            raise ValidationError(_("This session was cancelled; it can no longer be changed."), code="cancelled")
        changed = {name for name, value in fields.items() if getattr(session, name) != value}
        kind = fields.get("kind", session.kind)
        switches_audience = (kind == Kind.TRAIN_THE_TRAINER) != session.is_train_the_trainer
        if switches_audience and session.attendances.exists():
            raise ValidationError(
                {
                    "kind": _(
                        "People are already invited; a session cannot switch between train-the-trainer and "
                        "end-user training. Schedule a new session instead."
                    )
                },
                code="kind_switch",
            )
        if changed & {"kind", "trainer"}:
            _require_trainer(module=session.module, kind=kind, trainer=fields.get("trainer", session.trainer))
        capacity = fields.get("capacity", session.capacity)
        if "capacity" in changed and capacity < session.capacity and capacity < (taken := _places_taken(session)):
            raise ValidationError(
                {
                    "capacity": _("%(n)s people are invited; remove some before lowering the capacity to %(capacity)s.")
                    % {"n": taken, "capacity": capacity}
                },
                code="capacity_below_invited",
            )
        for name, value in fields.items():
            setattr(session, name, value)
        if fields.get("materials_file") is False:  # the form's "clear" box
            session.materials_file = ""
        moved = bool(changed & CALENDAR_FIELDS)
        if moved:
            session.sequence += 1
        session.full_clean()
        session.save()
        if moved and session.status == Status.PLANNED:
            _notify_invited(session, event=f"update:{session.sequence}", subject=UPDATED)
    return session


def session_cancel(*, session: TrainingSession) -> TrainingSession:
    """Cancel a planned session; the invited people get a cancellation that removes it from their
    calendars. A held session cannot be cancelled (its attendance counts)."""
    with transaction.atomic():
        session = _lock(session)
        if session.status == Status.HELD:
            raise ValidationError(_("This session was held; it cannot be cancelled."), code="held")
        if session.is_cancelled:
            return session
        session.status = Status.CANCELLED
        session.sequence += 1
        session.save(update_fields=["status", "sequence"])
        _notify_invited(session, event="cancelled", subject=CANCELLED)
    return session


# --- Invitations -------------------------------------------------------------------------------------


def _require_invitee(session: TrainingSession, membership: Membership) -> None:
    name = membership.user.display_name
    if membership.project_id != session.module.project_id or not membership.is_active or not membership.user.is_active:
        raise ValidationError(
            _("%(person)s is not an active member of this project.") % {"person": name}, code="not_member"
        )
    if membership.pk == session.trainer_id:
        raise ValidationError(_("%(person)s gives this session.") % {"person": name}, code="trainer")
    if session.is_train_the_trainer and membership.role != Role.KEY_USER:
        raise ValidationError(
            _("%(person)s is not a Key User; train-the-trainer sessions are for Key Users.") % {"person": name},
            code="not_key_user",
        )
    if not session.is_train_the_trainer and membership.role != Role.END_USER:
        raise ValidationError(
            _("%(person)s is not an end user; end-user and refresher sessions are for end users.") % {"person": name},
            code="not_end_user",
        )


def attendees_invite(
    *, session: TrainingSession, memberships: Iterable[Membership], override_capacity: bool = False
) -> list[Attendance]:
    """Invite people to a session (those already invited are left as they are). More people than the
    session has places is refused unless the scheduler overrides the capacity. People invited before
    the session starts get an invitation with an .ics; later additions (walk-ins) are just recorded."""
    people = list(dict.fromkeys(memberships))
    with transaction.atomic():
        session = _lock(session)
        if session.is_cancelled:
            raise ValidationError(_("This session was cancelled; nobody can be invited to it."), code="cancelled")
        for membership in people:
            _require_invitee(session, membership)
        already = set(
            Attendance.objects.filter(session=session, membership__in=people).values_list("membership_id", flat=True)
        )
        new = [membership for membership in people if membership.pk not in already]
        if not new:
            return []
        taken = _places_taken(session)
        if taken + len(new) > session.capacity and not override_capacity:
            raise ValidationError(
                ngettext(
                    "This session has %(capacity)s place, %(taken)s of them taken: inviting %(n)s more would leave "
                    "%(over)s without a seat. Invite fewer people, raise the capacity, or tick “Invite beyond "
                    "capacity”.",
                    "This session has %(capacity)s places, %(taken)s of them taken: inviting %(n)s more would leave "
                    "%(over)s without a seat. Invite fewer people, raise the capacity, or tick “Invite beyond "
                    "capacity”.",
                    session.capacity,
                )
                % {
                    "capacity": session.capacity,
                    "taken": taken,
                    "n": len(new),
                    "over": taken + len(new) - session.capacity,
                },
                code="over_capacity",
            )
        created = bulk_create_with_history([Attendance(session=session, membership=m) for m in new], Attendance)
        evidence_changed(project_id=session.module.project_id)  # bulk_create sends no post_save
        if session.status == Status.PLANNED and session.start_at > timezone.now():
            for membership in new:
                _notify(session, membership, kind=Notification.Kind.INVITED, event="invite", subject=INVITED)
    return created


def attendee_remove(*, attendance: Attendance) -> None:
    """Take someone off a planned session's list; their calendar gets a cancellation."""
    with transaction.atomic():
        session = _lock(attendance.session)
        attendance = Attendance.objects.select_related("membership__user").get(pk=attendance.pk)
        if session.status != Status.PLANNED:
            raise ValidationError(
                _("Attendance of this session is recorded; nobody can be taken off its list."), code="not_planned"
            )
        if session.start_at > timezone.now():
            _notify(
                session,
                attendance.membership,
                kind=Notification.Kind.INVITED,
                event=f"withdrawn:{attendance.pk}",
                subject=WITHDRAWN,
                calendar=ics.withdrawal,
            )
        attendance.delete()


# --- Attendance ----------------------------------------------------------------------------------------

RECORDABLE = (Attendance.Status.PRESENT, Attendance.Status.LATE, Attendance.Status.EXCUSED, Attendance.Status.ABSENT)


def attendance_record(
    *, session: TrainingSession, marks: Mapping[int, tuple[str, bool | None]], now: datetime.datetime | None = None
) -> TrainingSession:
    """Record attendance for a session: attendance id → (status, assessment passed or None). People
    left out keep their status. The session is then held, and its attendance counts for completion.
    An assessment result is kept only for people who attended a session that has an assessment."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _lock(session)
        if session.is_cancelled:
            raise ValidationError(_("This session was cancelled; there is no attendance to record."), code="cancelled")
        if session.start_at - ATTENDANCE_OPENS_BEFORE > now:
            raise ValidationError(
                _("This session has not started yet; record attendance when it takes place."), code="not_started"
            )
        attendances = {a.pk: a for a in Attendance.objects.filter(session=session, pk__in=list(marks))}
        if unknown := set(marks) - set(attendances):
            raise ValidationError(
                _("%(n)s of the people are not on this session's list any more; reload the page.")
                % {"n": len(unknown)},
                code="unknown_attendance",
            )
        for pk, (status, passed) in marks.items():
            if status not in RECORDABLE:
                raise ValidationError(_("Choose present, late, excused or absent."), code="status")
            attendance = attendances[pk]
            passed = (
                passed
                if session.has_assessment and status in (Attendance.Status.PRESENT, Attendance.Status.LATE)
                else None
            )
            if (attendance.status, attendance.assessment_passed) == (status, passed):
                continue
            attendance.status, attendance.assessment_passed, attendance.recorded_at = status, passed, now
            attendance.save(update_fields=["status", "assessment_passed", "recorded_at"])  # one history row each
        if session.status != Status.HELD:
            session.status = Status.HELD
            session.save(update_fields=["status"])
    return session


# --- Notifications -------------------------------------------------------------------------------------

INVITED = gettext_lazy("Training invitation: {title}, {when}")
UPDATED = gettext_lazy("Training changed: {title}, now {when}")
CANCELLED = gettext_lazy("Training cancelled: {title}, {when}")
WITHDRAWN = gettext_lazy("You are no longer on the list for {title}, {when}")
REMINDER = gettext_lazy("Reminder: {title} starts {when}")
BODY = gettext_lazy("{module} · {kind}\nTrainer: {trainer}\nWhen: {when}\nWhere: {where}")


def _when(session: TrainingSession, user) -> str:
    """The session's time in the person's own time zone (the site's when they chose none)."""
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start, end = session.start_at.astimezone(zone), session.end_at.astimezone(zone)
    end_format = "%H:%M" if start.date() == end.date() else "%Y-%m-%d %H:%M"
    return f"{start:%Y-%m-%d %H:%M}–{end:{end_format}} ({zone.key})"


def _notify(session, membership, *, kind, event, subject, calendar=ics.invitation) -> None:
    """Notify one person of a session, with `calendar`'s .ics for them, written in their language."""
    user = membership.user
    when = _when(session, user)
    with translation.override(user.language or translation.get_language()):
        attachment = calendar(session, attendee=membership)
    notify(
        recipients=[user],
        kind=kind,
        event_key=f"training:session:{session.pk}:{event}",
        subject=format_lazy(subject, title=session.title, when=when),
        body=format_lazy(
            BODY,
            module=session.module.name,
            kind=Kind(session.kind).label,
            trainer=session.trainer.user.display_name if session.trainer else "—",
            when=when,
            where=" · ".join(filter(None, [session.place, session.online_link])) or "—",
        ),
        url=ics.session_url(session),
        project=session.module.project,
        attachment=attachment,
    )


def _notify_invited(session: TrainingSession, *, event: str, subject) -> None:
    """Tell everyone on the list who has not been excused, if the session is still ahead."""
    if session.start_at <= timezone.now():
        return
    attendances = session.attendances.exclude(status=Attendance.Status.EXCUSED).select_related("membership__user")
    for attendance in attendances:
        _notify(session, attendance.membership, kind=Notification.Kind.INVITED, event=event, subject=subject)


def session_reminder_send(*, session: TrainingSession, now: datetime.datetime | None = None) -> int:
    """Remind the trainer and the invited people of a session starting within 24 hours. People invited
    within that last day just got their invitation and are not reminded. Sent once per person and
    start time: running it again sends nothing, while a rescheduled session is reminded afresh."""
    now = now or timezone.now()
    session = TrainingSession.objects.select_related("module__project", "trainer__user").get(pk=session.pk)
    if session.status != Status.PLANNED or not (now < session.start_at <= now + REMINDER_AHEAD):
        return 0
    people = [
        attendance.membership
        for attendance in session.attendances.filter(
            status=Attendance.Status.INVITED, invited_at__lte=session.start_at - REMINDER_AHEAD
        ).select_related("membership__user")
    ]
    if session.trainer:
        people.append(session.trainer)
    event = f"reminder:{session.start_at.astimezone(datetime.UTC):%Y%m%dT%H%MZ}"
    with transaction.atomic():
        for membership in people:
            _notify(session, membership, kind=Notification.Kind.REMINDER, event=event, subject=REMINDER)
    return len(people)


# --- Calendar feed links --------------------------------------------------------------------------------


def calendar_feed_token_get(*, user) -> CalendarFeedToken:
    """The person's calendar feed secret, created the first time it is asked for."""
    token, _created = CalendarFeedToken.objects.get_or_create(user=user)
    return token


def calendar_feed_token_reset(*, user) -> CalendarFeedToken:
    """A new secret: the old feed link stops working (for a link shared by mistake)."""
    with transaction.atomic():
        token, created = CalendarFeedToken.objects.select_for_update().get_or_create(user=user)
        if not created:
            token.token = calendar_token()
            token.save(update_fields=["token", "created_at"])
    return token
