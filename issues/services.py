"""Every write to issues: logging, the workflow, assignment, escalation, the SLA clock, comments,
attachments, alternatives and decisions. Each change leaves a line on the issue's timeline, and the
people concerned are notified after commit."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from erpteam.permissions import ISSUE_TRANSITIONS
from issues.models import (
    Attachment,
    Comment,
    Decision,
    Escalation,
    Issue,
    IssueEvent,
    SlaBreach,
    SlaPolicy,
    SolutionOption,
)
from issues.selectors import TIER_ROLES, WORKER_ROLES
from issues.uploads import attachment_check
from modules.models import BusinessModule, KeyUserAssignment
from notifications.models import Notification
from notifications.services import Message, notify, notify_each
from people.models import Membership, User
from projects.models import Project

Role = Membership.Role
Status = Issue.Status
Tier = Issue.Tier

SLA_FIELDS = [f"{severity}_{kind}_hours" for severity in Issue.Severity.values for kind in ("respond", "resolve")]


# --- SLA policy -----------------------------------------------------------------------------------


def sla_policy_get_or_create(*, project: Project) -> SlaPolicy:
    """The project's SLA policy; a missing one is created with the default hours."""
    policy = SlaPolicy.objects.filter(project=project).first()
    if policy is not None:
        return policy
    try:
        with transaction.atomic():
            return SlaPolicy.objects.create(project=project)
    except IntegrityError:  # created by someone else in the meantime
        return SlaPolicy.objects.get(project=project)


def sla_policy_update(*, policy: SlaPolicy, **hours: int) -> SlaPolicy:
    """Change the hours to respond and to resolve. Applies to issues logged or escalated from now on."""
    if unknown := set(hours) - set(SLA_FIELDS):
        raise TypeError(f"sla_policy_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        for field, value in hours.items():
            setattr(policy, field, value)
        for severity, label in Issue.Severity.choices:
            respond, resolve = policy.hours(severity)
            if respond and resolve and resolve < respond:
                raise ValidationError(
                    _("%(severity)s: the time to resolve cannot be shorter than the time to respond.")
                    % {"severity": label},
                    code="resolve_before_respond",
                )
        policy.full_clean()
        policy.save()
    return policy


def _sla_compute(issue: Issue, policy: SlaPolicy) -> None:
    respond_hours, resolve_hours = policy.hours(issue.severity)
    start = issue.sla_started_at + issue.sla_paused_total
    issue.respond_due = start + datetime.timedelta(hours=respond_hours)
    issue.resolve_due = start + datetime.timedelta(hours=resolve_hours)


def _sla_pause(issue: Issue, now: datetime.datetime) -> None:
    if issue.sla_paused_at is None:
        issue.sla_paused_at = now


def _sla_resume(issue: Issue, now: datetime.datetime) -> None:
    """Push the due times back by the time the clock stood still."""
    if issue.sla_paused_at is not None:
        issue.sla_paused_total += now - issue.sla_paused_at
        issue.sla_paused_at = None
        _sla_compute(issue, sla_policy_get_or_create(project=issue.project))


def _waits_on_requester(issue: Issue) -> bool:
    """The clock stops while the team waits on whoever raised the issue (reporter or affected end user)."""
    return issue.waiting_on_id is not None and issue.waiting_on_id in (issue.reporter_id, issue.affected_end_user_id)


# --- shared pieces -----------------------------------------------------------------------------------


def _issue_lock(issue: Issue) -> Issue:
    """Lock the issue row and read it afresh (two people acting at once see each other's change)."""
    return Issue.objects.select_for_update(of=("self",)).select_related("project", "module").get(pk=issue.pk)


def _event(issue: Issue, actor: Membership | None, kind: str, *, field="", before="", after="", note="") -> IssueEvent:
    return IssueEvent.objects.create(
        issue=issue,
        actor=actor,
        kind=kind,
        field=field,
        before=str(before or ""),
        after=str(after or ""),
        note=note,
        created_at=timezone.now(),
    )


def _person(membership: Membership | None) -> str:
    return membership.user.display_name if membership else ""


def _require_member(issue: Issue, membership: Membership | None, *, roles: Iterable[str] | None = None) -> None:
    if membership is None:
        return
    if membership.project_id != issue.project_id or not membership.is_active or not membership.user.is_active:
        raise ValidationError(
            _("%(person)s is not an active member of this project.") % {"person": _person(membership)},
            code="not_member",
        )
    if roles is not None and membership.role not in roles:
        raise ValidationError(
            _("%(person)s is a %(role)s and cannot take this issue.")
            % {"person": _person(membership), "role": membership.get_role_display()},
            code="wrong_role",
        )


def _mark_responded(issue: Issue, actor: Membership, now: datetime.datetime) -> None:
    if issue.first_response_at is None and actor.role != Role.END_USER:
        issue.first_response_at = now


def _url(issue: Issue) -> str:
    return reverse("issues:detail", kwargs={"project_id": issue.project_id, "issue_id": issue.pk})


def _module_key_users(module_id: int) -> list:
    return [
        a.membership.user
        for a in KeyUserAssignment.objects.effective().filter(module_id=module_id).select_related("membership__user")
    ]


def _notify(issue: Issue, *, people: Iterable, actor: Membership | None, kind: str, event_key: str, subject, body=""):
    """Tell these people (never the one who acted) about the issue, once per event, after commit."""
    recipients = [user for user in people if user is not None and (actor is None or user.pk != actor.user_id)]
    notify(
        recipients=recipients,
        kind=kind,
        event_key=event_key,
        subject=subject,
        body=body,
        url=_url(issue),
        project=issue.project,
    )


def _requesters(issue: Issue) -> list:
    return [m.user for m in (issue.reporter, issue.affected_end_user) if m is not None]


# --- logging ------------------------------------------------------------------------------------------


def issue_create(
    *,
    module: BusinessModule,
    title: str,
    description: str,
    category: str,
    severity: str,
    reporter: Membership,
    affected_end_user: Membership | None = None,
    blocks_go_live: bool = False,
    attachments: Iterable = (),
    **extra,
) -> Issue:
    """Log an issue: the next number of the project, due times from the project's SLA policy, a first
    line on the timeline. `extra` may name an `assignee`, who is notified, and `logged_at`, when the
    issue was raised if it is recorded after the fact (from a paper log during hypercare, say).

    An end user who logs an issue (a help request) is the affected end user; the module's Key Users
    hear about it.
    """
    assignee = extra.pop("assignee", None)
    now = extra.pop("logged_at", None) or timezone.now()
    if extra:
        raise TypeError(f"issue_create() got unexpected fields: {sorted(extra)}")
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=module.project_id)
        if reporter.project_id != project.pk:
            raise ValidationError(
                _("%(person)s is not a member of this project.") % {"person": _person(reporter)}, code="not_member"
            )
        if reporter.role == Role.END_USER:
            affected_end_user = reporter
        if affected_end_user is not None and affected_end_user.project_id != project.pk:
            raise ValidationError(
                _("%(person)s is not a member of this project.") % {"person": _person(affected_end_user)},
                code="not_member",
            )
        number = (Issue.objects.filter(project=project).aggregate(n=Max("number"))["n"] or 0) + 1
        issue = Issue(
            project=project,
            number=number,
            module=module,
            title=title.strip(),
            description=description,
            category=category,
            severity=severity,
            reporter=reporter,
            affected_end_user=affected_end_user,
            blocks_go_live=blocks_go_live,
            sla_started_at=now,
            created_at=now,
        )
        if issue.severity in Issue.Severity.values:
            _sla_compute(issue, sla_policy_get_or_create(project=project))
        issue.full_clean()
        issue.save()
        IssueEvent.objects.create(
            issue=issue, actor=reporter, kind=IssueEvent.Kind.LOGGED, after=issue.title, created_at=now
        )
        for upload in attachments:
            _attachment_save(issue, upload, reporter)
        if reporter.role == Role.END_USER:
            _notify(
                issue,
                people=_module_key_users(module.pk),
                actor=reporter,
                kind=Notification.Kind.REQUEST,
                event_key=f"issue:{issue.pk}:request",
                subject=format_lazy(
                    gettext_lazy("Help request #{number} in {module}: {title}"),
                    number=issue.number,
                    module=module.name,
                    title=issue.title,
                ),
                body=issue.description,
            )
        if assignee is not None:
            issue = issue_assign(issue=issue, assignee=assignee, actor=reporter)
    return issue


def issue_update(*, issue: Issue, actor: Membership | None, **fields) -> Issue:
    """Change what an issue says (title, description, category, severity, affected end user, blocks
    go-live). A new severity moves the due times to that severity's hours."""
    allowed = {"title", "description", "category", "severity", "affected_end_user", "blocks_go_live"}
    if unknown := set(fields) - allowed:
        raise TypeError(f"issue_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        issue = _issue_lock(issue)
        changes = []
        for field, value in fields.items():
            before = getattr(issue, field)
            if before == value:
                continue
            setattr(issue, field, value)
            if field == "affected_end_user":
                _require_member(issue, value)
                changes.append((field, _person(before), _person(value)))
            elif field == "description":
                changes.append((field, "", ""))
            else:
                changes.append((field, before, value))
        if not changes:
            return issue
        if "severity" in fields:
            _sla_compute(issue, sla_policy_get_or_create(project=issue.project))
        issue.full_clean()
        issue.save()
        for field, before, after in changes:
            _event(issue, actor, IssueEvent.Kind.CHANGED, field=field, before=before, after=after)
    return issue


# --- workflow -----------------------------------------------------------------------------------------


def transition_allowed(*, issue: Issue, to_status: str, role: str) -> bool:
    return role in ISSUE_TRANSITIONS.get((issue.status, to_status), ())


def transitions_for(*, issue: Issue, membership: Membership) -> list[str]:
    """The statuses this member may move the issue to, in workflow order."""
    return [s for s in Status.values if transition_allowed(issue=issue, to_status=s, role=membership.role)]


def issue_transition(
    *,
    issue: Issue,
    to_status: str,
    actor: Membership,
    waiting_on: Membership | None = None,
    resolution: str = "",
    note: str = "",
) -> Issue:
    """Move an issue along the workflow, as the policy table allows the actor's role.

    Waiting names the person waited on (the SLA clock stops while that is the requester); resolving
    needs a resolution; the requester is told. Reopening clears the resolution dates.
    """
    now = timezone.now()
    with transaction.atomic():
        issue = _issue_lock(issue)
        before = issue.status
        _require_transition(issue, to_status, actor)
        old_waiting_on = issue.waiting_on
        if before == Status.WAITING:
            _sla_resume(issue, now)
            issue.waiting_on = None
        if to_status == Status.WAITING:
            _wait_on(issue, waiting_on, now)
        if to_status == Status.RESOLVED:
            if not resolution.strip():
                raise ValidationError(_("Describe the resolution: the end user will read it."), code="no_resolution")
            issue.resolution = resolution.strip()
            issue.resolved_at = now
        if to_status == Status.CLOSED:
            issue.closed_at = now
        if before in (Status.RESOLVED, Status.CLOSED) and to_status in Issue.OPEN_STATUSES:
            issue.resolved_at = None
            issue.closed_at = None
        _mark_responded(issue, actor, now)
        issue.status = to_status
        issue.full_clean()
        issue.save()
        event = _event(
            issue,
            actor,
            IssueEvent.Kind.STATUS,
            field="status",
            before=before,
            after=to_status,
            note=" · ".join(_transition_notes(issue, before, old_waiting_on, note)),
        )
        _notify_transition(issue, event, actor, note)
    return issue


def _require_transition(issue: Issue, to_status: str, actor: Membership) -> None:
    """Refuse a move the workflow does not have, or one the actor's role may not make."""
    before = issue.status
    if (before, to_status) not in ISSUE_TRANSITIONS:
        raise ValidationError(
            _("An issue cannot go from %(before)s to %(after)s.")
            % {
                "before": Status(before).label,
                "after": Status(to_status).label if to_status in Status.values else to_status,
            },
            code="no_such_transition",
        )
    if not transition_allowed(issue=issue, to_status=to_status, role=actor.role):
        raise ValidationError(
            _("As %(role)s you cannot move an issue from %(before)s to %(after)s; ask a Key User or a consultant.")
            % {"role": actor.get_role_display(), "before": Status(before).label, "after": Status(to_status).label},
            code="transition_refused",
        )


def _transition_notes(issue: Issue, before: str, old_waiting_on: Membership | None, note: str) -> list[str]:
    """What the status event says besides the move: whom it waits on now (or no longer), the resolution, the note."""
    notes = []
    if issue.status == Status.WAITING:
        notes.append(_("Waiting on %(person)s.") % {"person": _person(issue.waiting_on)})
    elif before == Status.WAITING and old_waiting_on is not None:
        notes.append(_("No longer waiting on %(person)s.") % {"person": _person(old_waiting_on)})
    if issue.status == Status.RESOLVED:
        notes.append(issue.resolution)
    if note.strip():
        notes.append(note.strip())
    return notes


def _wait_on(issue: Issue, waiting_on: Membership | None, now: datetime.datetime) -> None:
    if waiting_on is None:
        raise ValidationError(_("Name the person the issue is waiting on."), code="waiting_on_required")
    _require_member(issue, waiting_on)
    issue.waiting_on = waiting_on
    if _waits_on_requester(issue):
        _sla_pause(issue, now)


def _notify_transition(issue: Issue, event: IssueEvent, actor: Membership, note: str) -> None:
    """Tell the person an issue now waits on, or its requesters that it is resolved."""
    if issue.status == Status.WAITING and issue.waiting_on is not None:
        _notify(
            issue,
            people=[issue.waiting_on.user],
            actor=actor,
            kind=Notification.Kind.COMMENT,
            event_key=f"issue:{issue.pk}:waiting:{event.pk}",
            subject=format_lazy(
                gettext_lazy("Issue #{number} is waiting on you: {title}"), number=issue.number, title=issue.title
            ),
            body=note.strip(),
        )
    if issue.status == Status.RESOLVED:
        _notify(
            issue,
            people=_requesters(issue),
            actor=actor,
            kind=Notification.Kind.RESOLVED,
            event_key=f"issue:{issue.pk}:resolved:{event.pk}",
            subject=format_lazy(
                gettext_lazy("Issue #{number} resolved: {title}"), number=issue.number, title=issue.title
            ),
            body=issue.resolution,
        )


def _assign(issue: Issue, assignee: Membership | None, actor: Membership) -> IssueEvent | None:
    _require_member(issue, assignee, roles=WORKER_ROLES)
    before = issue.assignee
    if before == assignee:
        return None
    issue.assignee = assignee
    issue.save()
    return _event(
        issue, actor, IssueEvent.Kind.ASSIGNED, field="assignee", before=_person(before), after=_person(assignee)
    )


def issue_assign(*, issue: Issue, assignee: Membership | None, actor: Membership) -> Issue:
    """Give the issue to a person of the project who works issues (or to nobody); they are notified."""
    with transaction.atomic():
        issue = _issue_lock(issue)
        event = _assign(issue, assignee, actor)
        if event is not None and assignee is not None:
            _notify(
                issue,
                people=[assignee.user],
                actor=actor,
                kind=Notification.Kind.ASSIGNED,
                event_key=f"issue:{issue.pk}:assigned:{event.pk}",
                subject=format_lazy(
                    gettext_lazy("Issue #{number} assigned to you: {title}"), number=issue.number, title=issue.title
                ),
                body=issue.description,
            )
    return issue


def issue_escalate(
    *, issue: Issue, to_tier: str, reason: str, actor: Membership, assignee: Membership | None = None
) -> Issue:
    """Hand an open issue up from the Key User to the consultants (business) or to the technical tier
    (IT users, technical consultants), or across between those two. The SLA clock starts again with the
    new tier; the new assignee, or everyone who can take that tier, is notified."""
    now = timezone.now()
    with transaction.atomic():
        issue = _issue_lock(issue)
        if not issue.is_open:
            raise ValidationError(_("Only an open issue can be escalated; reopen it first."), code="not_open")
        if to_tier == Tier.KEY_USER or to_tier not in Tier.values:
            raise ValidationError(
                _("Escalate to the application consultants or to the technical tier."), code="bad_tier"
            )
        if to_tier == issue.tier:
            raise ValidationError(
                _("The issue is already with the %(tier)s tier.") % {"tier": Tier(to_tier).label}, code="same_tier"
            )
        if not reason.strip():
            raise ValidationError(_("Say why the issue needs the next tier."), code="no_reason")
        if assignee is not None:
            _require_member(issue, assignee, roles=TIER_ROLES[to_tier])
        from_tier = issue.tier
        Escalation.objects.create(
            issue=issue,
            escalated_by=actor,
            from_tier=from_tier,
            to_tier=to_tier,
            reason=reason.strip(),
            escalated_at=now,
        )
        issue.tier = to_tier
        issue.sla_started_at = now
        issue.sla_paused_total = datetime.timedelta()
        if issue.sla_paused_at is not None:
            issue.sla_paused_at = now
        issue.first_response_at = None  # the new tier owes the requester a response
        _sla_compute(issue, sla_policy_get_or_create(project=issue.project))
        issue.save()
        event = _event(
            issue, actor, IssueEvent.Kind.ESCALATED, field="tier", before=from_tier, after=to_tier, note=reason.strip()
        )
        if assignee is not None:
            _assign(issue, assignee, actor)  # the escalation notice below tells them
        people = (
            [assignee.user]
            if assignee is not None
            else [
                m.user
                for m in Membership.objects.active()
                .filter(project_id=issue.project_id, role__in=TIER_ROLES[to_tier])
                .select_related("user")
            ]
        )
        _notify(
            issue,
            people=people,
            actor=actor,
            kind=Notification.Kind.ESCALATED,
            event_key=f"issue:{issue.pk}:escalated:{event.pk}",
            subject=format_lazy(
                gettext_lazy("Issue #{number} escalated to {tier}: {title}"),
                number=issue.number,
                tier=Tier(to_tier).label,
                title=issue.title,
            ),
            body=reason.strip(),
        )
    return issue


# --- conversation -------------------------------------------------------------------------------------


def comment_add(*, issue: Issue, author: Membership, body: str) -> Comment:
    """Add to the conversation. A team member's first comment counts as the response to the requester."""
    if not body.strip():
        raise ValidationError(_("Write something before sending."), code="empty")
    now = timezone.now()
    with transaction.atomic():
        issue = _issue_lock(issue)
        comment = Comment.objects.create(issue=issue, author=author, body=body.strip(), created_at=now)
        if issue.first_response_at is None and author.role != Role.END_USER:
            _mark_responded(issue, author, now)
            issue.save()
        _event(issue, author, IssueEvent.Kind.COMMENTED)
        watchers = {m.user_id: m.user for m in (issue.reporter, issue.affected_end_user, issue.assignee) if m}
        if issue.assignee_id is None and author.pk in (issue.reporter_id, issue.affected_end_user_id):
            # The requester's answer on an issue nobody has taken yet goes to the module's Key Users.
            watchers.update({user.pk: user for user in _module_key_users(issue.module_id)})
        _notify(
            issue,
            people=watchers.values(),
            actor=author,
            kind=Notification.Kind.COMMENT,
            event_key=f"issue:{issue.pk}:comment:{comment.pk}",
            subject=format_lazy(
                gettext_lazy("New comment on issue #{number}: {title}"), number=issue.number, title=issue.title
            ),
            body=comment.body,
        )
    return comment


def _attachment_save(issue: Issue, upload, uploaded_by: Membership) -> Attachment:
    content_type = attachment_check(upload)
    attachment = Attachment(
        issue=issue,
        name=upload.name[:200],
        content_type=content_type,
        size=upload.size,
        uploaded_by=uploaded_by,
        created_at=timezone.now(),
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    _event(issue, uploaded_by, IssueEvent.Kind.ATTACHED, after=attachment.name)
    return attachment


def attachment_add(*, issue: Issue, upload, uploaded_by: Membership) -> Attachment:
    """Attach a screenshot (PNG, JPEG, GIF, WebP) or a PDF, up to the size limit."""
    with transaction.atomic():
        issue = _issue_lock(issue)
        return _attachment_save(issue, upload, uploaded_by)


# --- alternatives and decision --------------------------------------------------------------------------


def solution_option_add(
    *, issue: Issue, author: Membership, summary: str, pros: str = "", cons: str = "", effort: str, risk: str
) -> SolutionOption:
    """Propose one way to solve the issue, with its pros, cons, effort and risk."""
    with transaction.atomic():
        issue = _issue_lock(issue)
        if issue.status == Status.CLOSED:
            raise ValidationError(_("The issue is closed; reopen it to propose alternatives."), code="closed")
        option = SolutionOption(
            issue=issue,
            author=author,
            summary=summary.strip(),
            pros=pros.strip(),
            cons=cons.strip(),
            effort=effort,
            risk=risk,
            created_at=timezone.now(),
        )
        option.full_clean()
        option.save()
        _event(issue, author, IssueEvent.Kind.OPTION_ADDED, after=option.summary)
    return option


def solution_option_recommend(*, option: SolutionOption, actor: Membership) -> SolutionOption:
    """The Key User's recommendation: one option per issue (marking another moves the mark)."""
    with transaction.atomic():
        issue = _issue_lock(option.issue)
        previous = issue.options.filter(recommended=True).exclude(pk=option.pk).first()
        if previous is not None:
            previous.recommended = False
            previous.save(update_fields=["recommended"])
        option = SolutionOption.objects.get(pk=option.pk)
        if option.recommended:
            return option
        option.recommended = True
        option.save(update_fields=["recommended"])
        _event(
            issue,
            actor,
            IssueEvent.Kind.RECOMMENDED,
            field="",
            before=previous.summary if previous else "",
            after=option.summary,
        )
    return option


def issue_decide(*, issue: Issue, option: SolutionOption, reason: str, actor: Membership) -> Decision:
    """Record which alternative the team chose and why; the requester, assignee and Key Users hear of it."""
    if not reason.strip():
        raise ValidationError(_("Say why this alternative was chosen."), code="no_reason")
    now = timezone.now()
    with transaction.atomic():
        issue = _issue_lock(issue)
        if option.issue_id != issue.pk:
            raise ValidationError(_("That alternative belongs to another issue."), code="other_issue")
        previous = issue.options.filter(chosen=True).exclude(pk=option.pk).first()
        if previous is not None:
            previous.chosen = False
            previous.save(update_fields=["chosen"])
        option = SolutionOption.objects.get(pk=option.pk)
        option.chosen = True
        option.save(update_fields=["chosen"])
        decision = Decision.objects.create(
            issue=issue, option=option, decided_by=actor, reason=reason.strip(), decided_at=now
        )
        _event(
            issue,
            actor,
            IssueEvent.Kind.DECIDED,
            before=previous.summary if previous else "",
            after=option.summary,
            note=decision.reason,
        )
        people = [
            *_requesters(issue),
            issue.assignee.user if issue.assignee else None,
            *_module_key_users(issue.module_id),
        ]
        _notify(
            issue,
            people=people,
            actor=actor,
            kind=Notification.Kind.DECISION,
            event_key=f"issue:{issue.pk}:decision:{decision.pk}",
            subject=format_lazy(
                gettext_lazy("Decision on issue #{number}: {option}"), number=issue.number, option=option.summary
            ),
            body=decision.reason,
        )
    return decision


# --- SLA breaches ---------------------------------------------------------------------------------------


DIGEST_LINES = 50


def sla_breaches_record(*, now: datetime.datetime | None = None) -> int:
    """Record every SLA breach not recorded yet, all at once, and send each person concerned (the
    assignee, the module's Key Users) one digest of their new breaches: one notification, one email.

    A breach is one due time (respond or resolve) of one run of the clock: running this again finds it
    recorded and sends nothing; an escalation starts a new run, which may breach again. A breach that
    was already past when the issue was recorded (a legacy issue log loaded in bulk, an issue logged
    after the fact) is recorded and put on the timeline, and announced to no one. The same few queries
    however many issues are overdue.
    """
    now = now or timezone.now()
    recorded = SlaBreach.objects.filter(issue=OuterRef("pk"), clock_started_at=OuterRef("sla_started_at"))
    unrecorded = (
        Q(first_response_at__isnull=True, respond_due__lt=now) & ~Exists(recorded.filter(kind=SlaBreach.Kind.RESPOND))
    ) | (Q(resolve_due__lt=now) & ~Exists(recorded.filter(kind=SlaBreach.Kind.RESOLVE)))
    candidates = (
        Issue.objects.overdue(now)
        .filter(unrecorded)
        .values(
            "pk",
            "number",
            "title",
            "project_id",
            "module_id",
            "assignee__user_id",
            "first_response_at",
            "respond_due",
            "resolve_due",
            "sla_started_at",
            "recorded_at",
        )
        .order_by("pk")
    )
    breaches = []
    for issue in candidates:
        if issue["first_response_at"] is None and issue["respond_due"] and issue["respond_due"] < now:
            breaches.append((issue, SlaBreach.Kind.RESPOND, issue["respond_due"]))
        if issue["resolve_due"] and issue["resolve_due"] < now:
            breaches.append((issue, SlaBreach.Kind.RESOLVE, issue["resolve_due"]))
    if not breaches:
        return 0
    with transaction.atomic():
        # Another sweep at the same time records the same breaches: the unique constraint keeps one, and
        # `detected_at` (this sweep's own time) tells which ones this sweep recorded.
        SlaBreach.objects.bulk_create(
            [
                SlaBreach(
                    issue_id=issue["pk"],
                    kind=kind,
                    clock_started_at=issue["sla_started_at"],
                    due_at=due,
                    detected_at=now,
                )
                for issue, kind, due in breaches
            ],
            ignore_conflicts=True,
        )
        mine = set(SlaBreach.objects.filter(detected_at=now).values_list("issue_id", "kind"))
        breaches = [(issue, kind, due) for issue, kind, due in breaches if (issue["pk"], kind) in mine]
        IssueEvent.objects.bulk_create(
            IssueEvent(
                issue_id=issue["pk"],
                kind=IssueEvent.Kind.SLA_BREACHED,
                field=f"{kind}_due",
                after=due.isoformat(),
                created_at=now,
            )
            for issue, kind, due in breaches
        )
        _sla_digests_send([(issue, kind) for issue, kind, due in breaches if due >= issue["recorded_at"]], now=now)
    return len(breaches)


def _sla_digests_send(breaches: list[tuple[dict, str]], *, now: datetime.datetime) -> None:
    """One notification per person listing the breaches of their issues (assigned to them, or in a
    module they are a Key User of)."""
    key_users: dict[int, list[int]] = {}
    for module_id, user_id in (
        KeyUserAssignment.objects.effective()
        .filter(module_id__in={issue["module_id"] for issue, _kind in breaches})
        .values_list("module_id", "membership__user_id")
    ):
        key_users.setdefault(module_id, []).append(user_id)
    per_person: dict[int, list[tuple[dict, str]]] = {}
    for issue, kind in breaches:
        for user_id in {issue["assignee__user_id"], *key_users.get(issue["module_id"], [])} - {None}:
            per_person.setdefault(user_id, []).append((issue, kind))
    users = User.objects.filter(pk__in=per_person, is_active=True).in_bulk()
    projects = Project.objects.in_bulk({issue["project_id"] for issue, _kind in breaches})
    notify_each(
        kind=Notification.Kind.SLA_BREACH,
        event_key=f"sla-breaches:{now.isoformat()}",
        messages={
            users[user_id]: _sla_digest(theirs, projects=projects)
            for user_id, theirs in per_person.items()
            if user_id in users
        },
    )


def _sla_digest(breaches: list[tuple[dict, str]], *, projects: dict[int, Project]) -> Message:
    """The digest of one person's breaches, linked to the issue (one breach) or the project's overdue issues."""
    in_projects = {issue["project_id"] for issue, _kind in breaches}
    project_id = in_projects.pop() if len(in_projects) == 1 else None
    lines = [
        format_lazy(
            gettext_lazy("#{number} {title}: {kind}"),
            number=issue["number"],
            title=issue["title"],
            kind=SlaBreach.Kind(kind).label,
        )
        for issue, kind in breaches[:DIGEST_LINES]
    ]
    if len(breaches) > DIGEST_LINES:
        lines.append(format_lazy(gettext_lazy("…and {count} more."), count=len(breaches) - DIGEST_LINES))
    if len(breaches) == 1:
        ((issue, kind),) = breaches
        subject = format_lazy(
            gettext_lazy("SLA breached on issue #{number} ({kind}): {title}"),
            number=issue["number"],
            kind=SlaBreach.Kind(kind).label,
            title=issue["title"],
        )
        url = reverse("issues:detail", kwargs={"project_id": issue["project_id"], "issue_id": issue["pk"]})
    else:
        subject = format_lazy(gettext_lazy("{count} SLA breaches on your issues"), count=len(breaches))
        url = f"{reverse('issues:list', kwargs={'project_id': project_id})}?overdue=true" if project_id else ""
    return Message(
        subject=subject,
        body=format_lazy("\n".join(["{}"] * len(lines)), *lines),
        url=url,
        project=projects.get(project_id) if project_id else None,
    )
