import datetime
import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Severity(models.TextChoices):
    S1 = "s1", _("S1 · Critical")
    S2 = "s2", _("S2 · High")
    S3 = "s3", _("S3 · Medium")
    S4 = "s4", _("S4 · Low")


class IssueQuerySet(models.QuerySet["Issue"]):
    def open(self):
        return self.filter(status__in=Issue.OPEN_STATUSES)

    def overdue(self, now: datetime.datetime | None = None):
        """Open issues past a due time whose SLA clock is running (a paused clock is never overdue)."""
        return self.filter(Issue.overdue_q(now))


class Issue(models.Model):
    """A problem an end user hit, logged by a Key User (or a consultant or IT user) for a module.

    Writes go through `issues.services`: numbering, the SLA clock, the workflow and the timeline.
    """

    class Category(models.TextChoices):
        DEFECT = "defect", _("Defect")
        TRAINING_GAP = "training_gap", _("Training gap")
        CHANGE_REQUEST = "change_request", _("Change request")
        MASTER_DATA = "master_data", _("Master data")
        QUESTION = "question", _("Question")

    Severity = Severity

    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRIAGED = "triaged", _("Triaged")
        IN_PROGRESS = "in_progress", _("In progress")
        WAITING = "waiting", _("Waiting")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Tier(models.TextChoices):
        KEY_USER = "key_user", _("Key User")
        CONSULTANT = "consultant", _("Application consultant")
        TECHNICAL = "technical", _("Technical (IT user or technical consultant)")

    OPEN_STATUSES = (Status.NEW, Status.TRIAGED, Status.IN_PROGRESS, Status.WAITING)

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="issues", verbose_name=_("project")
    )
    number = models.PositiveIntegerField(_("number"))
    module = models.ForeignKey(
        "modules.BusinessModule", on_delete=models.CASCADE, related_name="issues", verbose_name=_("module")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=2, choices=Severity)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    waiting_on = models.ForeignKey(
        "people.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("waiting on"),
    )
    reporter = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, related_name="issues_reported", verbose_name=_("reported by")
    )
    affected_end_user = models.ForeignKey(
        "people.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issues_affecting",
        verbose_name=_("affected end user"),
    )
    assignee = models.ForeignKey(
        "people.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="issues_assigned",
        verbose_name=_("assignee"),
    )
    tier = models.CharField(_("escalation tier"), max_length=20, choices=Tier.choices, default=Tier.KEY_USER)
    blocks_go_live = models.BooleanField(_("blocks go-live"), default=False)
    # The SLA clock: due times run from `sla_started_at` (logging, then each escalation) plus the time
    # spent waiting on the reporter (`sla_paused_total`, and the running pause since `sla_paused_at`).
    sla_started_at = models.DateTimeField(_("SLA clock started"), default=timezone.now)
    sla_paused_at = models.DateTimeField(_("SLA clock paused since"), null=True, blank=True)
    sla_paused_total = models.DurationField(_("SLA time paused"), default=datetime.timedelta)
    respond_due = models.DateTimeField(_("response due"), null=True, blank=True)
    resolve_due = models.DateTimeField(_("resolution due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    created_at = models.DateTimeField(_("logged"), default=timezone.now)
    # When the issue came into erpteam: later than `created_at` for one logged after the fact or loaded
    # from a legacy issue log. The SLA sweep announces no breach that is older than this.
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Title, description and comments, for search (see erpteam.fulltext).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = IssueQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="issues_issue_unique_project_number"),
            models.CheckConstraint(
                condition=Q(category__in=["defect", "training_gap", "change_request", "master_data", "question"]),
                name="issues_issue_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=["s1", "s2", "s3", "s4"]), name="issues_issue_severity_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "triaged", "in_progress", "waiting", "resolved", "closed"]),
                name="issues_issue_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(tier__in=["key_user", "consultant", "technical"]), name="issues_issue_tier_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_on__isnull=False),
                name="issues_issue_waiting_names_someone",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "module"], name="issues_project_module_idx"),
            models.Index(fields=["assignee", "status"], name="issues_assignee_status_idx"),
            models.Index(fields=["resolve_due"], name="issues_resolve_due_idx"),
            # One per order the issue list offers (the number breaks ties): a page walks the index and
            # stops after its rows, whatever the number of issues.
            models.Index(fields=["project", "severity", "number"], name="issues_sort_severity_idx"),
            models.Index(fields=["project", "status", "number"], name="issues_sort_status_idx"),
            models.Index(fields=["project", "resolve_due", "number"], name="issues_sort_resolve_due_idx"),
            models.Index(fields=["project", "updated_at", "number"], name="issues_sort_updated_idx"),
            # The open issues' counts per module (dashboards, module pages) and per person (issues to
            # triage, in the navigation of every page) read this index alone: it holds every column they
            # filter and count on (`id` too, for COUNT("id")).
            models.Index(
                fields=["project", "module"],
                include=[
                    "id",
                    "status",
                    "severity",
                    "category",
                    "blocks_go_live",
                    "sla_paused_at",
                    "respond_due",
                    "resolve_due",
                    "first_response_at",
                    "assignee",
                    "tier",
                ],
                condition=Q(status__in=["new", "triaged", "in_progress", "waiting"]),
                name="issues_open_module_idx",
            ),
            # New issues, waiting for triage (counted in the navigation of every page): few at any time,
            # where the open ones are thousands on a long rollout.
            models.Index(
                fields=["project", "tier"],
                include=["id", "module", "assignee"],
                condition=Q(status="new"),
                name="issues_new_idx",
            ),
            # Issues that block go-live or are S1–S2, whatever their status (the readiness forecast
            # counts those logged and settled lately): a small share of a long rollout's issues.
            models.Index(
                fields=["project"],
                include=["id", "module", "status", "created_at", "resolved_at", "closed_at"],
                condition=Q(blocks_go_live=True) | Q(severity__in=["s1", "s2"]),
                name="issues_blockers_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @classmethod
    def overdue_q(cls, now: datetime.datetime | None = None) -> Q:
        now = now or timezone.now()
        return Q(status__in=cls.OPEN_STATUSES, sla_paused_at__isnull=True) & (
            Q(resolve_due__lt=now) | Q(first_response_at__isnull=True, respond_due__lt=now)
        )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def sla_paused(self) -> bool:
        return self.sla_paused_at is not None

    @property
    def is_overdue(self) -> bool:
        if not self.is_open or self.sla_paused:
            return False
        now = timezone.now()
        return bool(
            (self.resolve_due and self.resolve_due < now)
            or (self.first_response_at is None and self.respond_due and self.respond_due < now)
        )


class SlaPolicy(models.Model):
    """A project's service levels: hours to first response and to resolution, per severity."""

    DEFAULT_HOURS = {
        Severity.S1: (1, 8),
        Severity.S2: (4, 24),
        Severity.S3: (8, 72),
        Severity.S4: (24, 168),
    }

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="sla_policy", verbose_name=_("project")
    )
    s1_respond_hours = models.PositiveIntegerField(_("S1 · hours to respond"), default=1)
    s1_resolve_hours = models.PositiveIntegerField(_("S1 · hours to resolve"), default=8)
    s2_respond_hours = models.PositiveIntegerField(_("S2 · hours to respond"), default=4)
    s2_resolve_hours = models.PositiveIntegerField(_("S2 · hours to resolve"), default=24)
    s3_respond_hours = models.PositiveIntegerField(_("S3 · hours to respond"), default=8)
    s3_resolve_hours = models.PositiveIntegerField(_("S3 · hours to resolve"), default=72)
    s4_respond_hours = models.PositiveIntegerField(_("S4 · hours to respond"), default=24)
    s4_resolve_hours = models.PositiveIntegerField(_("S4 · hours to resolve"), default=168)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(s1_respond_hours__gt=0, s1_resolve_hours__gte=models.F("s1_respond_hours"))
                & Q(s2_respond_hours__gt=0, s2_resolve_hours__gte=models.F("s2_respond_hours"))
                & Q(s3_respond_hours__gt=0, s3_resolve_hours__gte=models.F("s3_respond_hours"))
                & Q(s4_respond_hours__gt=0, s4_resolve_hours__gte=models.F("s4_respond_hours")),
                name="issues_slapolicy_resolve_after_respond",
                violation_error_message=_(
                    "Every severity needs at least an hour to respond, and no less time to resolve than to respond."
                ),
            ),
        ]

    def __str__(self) -> str:
        return str(_("SLA policy of %(project)s") % {"project": self.project})

    def hours(self, severity: str) -> tuple[int, int]:
        """(hours to respond, hours to resolve) for a severity."""
        return getattr(self, f"{severity}_respond_hours"), getattr(self, f"{severity}_resolve_hours")

    def rows(self) -> list[tuple[str, int, int]]:
        return [(label, *self.hours(value)) for value, label in Severity.choices]


class Comment(models.Model):
    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="comments", verbose_name=_("issue"))
    author = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Stored under a random name: the original name is kept in a field and never used as a path.
    return f"issues/{instance.issue.project_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A screenshot or PDF on an issue. Served only through a view that checks access."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("issue"))
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class SolutionOption(models.Model):
    """One alternative way to solve an issue, with its pros and cons, for the team to choose from."""

    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="options", verbose_name=_("issue"))
    summary = models.CharField(_("summary"), max_length=200)
    pros = models.TextField(_("pros"), blank=True)
    cons = models.TextField(_("cons"), blank=True)
    effort = models.CharField(_("effort"), max_length=10, choices=Level.choices, default=Level.MEDIUM)
    risk = models.CharField(_("risk"), max_length=10, choices=Level.choices, default=Level.MEDIUM)
    recommended = models.BooleanField(_("recommended by the Key User"), default=False)
    chosen = models.BooleanField(_("chosen"), default=False)
    author = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, related_name="+", verbose_name=_("proposed by")
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("solution option")
        verbose_name_plural = _("solution options")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["issue"], condition=Q(recommended=True), name="issues_solutionoption_one_recommended"
            ),
            models.UniqueConstraint(
                fields=["issue"], condition=Q(chosen=True), name="issues_solutionoption_one_chosen"
            ),
            models.CheckConstraint(
                condition=Q(effort__in=["low", "medium", "high"], risk__in=["low", "medium", "high"]),
                name="issues_solutionoption_levels_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.summary


class Decision(models.Model):
    """The team's choice among an issue's options: who decided, when, which option and why."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("issue"))
    option = models.ForeignKey(
        SolutionOption, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("chosen option")
    )
    decided_by = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    reason = models.TextField(_("why"))
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_at", "-id"]

    def __str__(self) -> str:
        return f"{self.issue} → {self.option}"


class Escalation(models.Model):
    """An issue handed up a tier: who escalated, when, from which tier to which, and why."""

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="escalations", verbose_name=_("issue"))
    escalated_by = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, related_name="+", verbose_name=_("escalated by")
    )
    from_tier = models.CharField(_("from tier"), max_length=20, choices=Issue.Tier.choices)
    to_tier = models.CharField(_("to tier"), max_length=20, choices=Issue.Tier.choices)
    reason = models.TextField(_("why"))
    escalated_at = models.DateTimeField(_("escalated"), default=timezone.now)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["escalated_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(from_tier=models.F("to_tier")), name="issues_escalation_changes_tier"),
        ]

    def __str__(self) -> str:
        return f"{self.issue}: {self.from_tier} → {self.to_tier}"


class SlaBreach(models.Model):
    """An SLA due time an issue went past. One row per issue, kind and run of the clock (a new run
    starts on escalation), so each breach is announced exactly once."""

    class Kind(models.TextChoices):
        RESPOND = "respond", _("No response in time")
        RESOLVE = "resolve", _("Not resolved in time")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="sla_breaches", verbose_name=_("issue"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    clock_started_at = models.DateTimeField(_("SLA clock started"))
    due_at = models.DateTimeField(_("was due"))
    detected_at = models.DateTimeField(_("detected"), default=timezone.now)

    class Meta:
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "kind", "clock_started_at"], name="issues_slabreach_unique_issue_kind_clock"
            ),
        ]
        # A sweep reads back the breaches it recorded by their time of detection.
        indexes = [models.Index(fields=["detected_at"], name="issues_slabreach_detected_idx")]

    def __str__(self) -> str:
        return f"{self.issue} · {self.get_kind_display()}"


class IssueEvent(models.Model):
    """One line of an issue's timeline: who changed what, when, from what to what."""

    class Kind(models.TextChoices):
        LOGGED = "logged", _("Logged")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        ESCALATED = "escalated", _("Escalated")
        CHANGED = "changed", _("Changed")
        COMMENTED = "commented", _("Commented")
        ATTACHED = "attached", _("File attached")
        OPTION_ADDED = "option_added", _("Alternative proposed")
        RECOMMENDED = "recommended", _("Alternative recommended")
        DECIDED = "decided", _("Decision recorded")
        SLA_BREACHED = "sla_breached", _("SLA breached")

    issue = models.ForeignKey(Issue, on_delete=models.CASCADE, related_name="events", verbose_name=_("issue"))
    actor = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("by")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    field = models.CharField(_("field"), max_length=100, blank=True)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("issue event")
        verbose_name_plural = _("issue events")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["issue", "created_at"], name="issues_event_issue_time_idx")]

    def __str__(self) -> str:
        return f"{self.issue} · {self.get_kind_display()}"

    @property
    def field_label(self) -> str:
        return Issue._meta.get_field(self.field).verbose_name if self.field else ""

    def _display(self, value: str) -> str:
        if not self.field:
            return value
        field = Issue._meta.get_field(self.field)
        if isinstance(field, models.BooleanField):
            return _("Yes") if value == "True" else _("No")
        return dict(field.choices or ()).get(value, value)

    @property
    def before_display(self) -> str:
        return self._display(self.before)

    @property
    def after_display(self) -> str:
        return self._display(self.after)
