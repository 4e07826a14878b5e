"""Acceptance testing: scenarios with their steps, test cycles, runs with a result per step, and each
module's sign-off per cycle. A failed or blocked step raises a defect in `issues`.

Writes go through `acceptance.services`; a run's result is derived there from its steps.
"""

import uuid

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from erpteam.dates import DateField


class TestScenario(models.Model):
    """A business process tested end to end in one module (and the other modules it touches)."""

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="test_scenarios", verbose_name=_("project")
    )
    module = models.ForeignKey(
        "modules.BusinessModule", on_delete=models.CASCADE, related_name="test_scenarios", verbose_name=_("module")
    )
    reference = models.CharField(
        _("scenario ID"), max_length=30, help_text=_("As in the test script, e.g. P2P-010. Unique in the project.")
    )
    title = models.CharField(_("title"), max_length=200)
    business_process = models.CharField(
        _("business process"), max_length=200, help_text=_("e.g. Purchase order → goods receipt → invoice → payment")
    )
    description = models.TextField(_("preconditions and test data"), blank=True)
    related_modules = models.ManyToManyField(
        "modules.BusinessModule",
        blank=True,
        related_name="touching_test_scenarios",
        verbose_name=_("other modules it touches"),
    )
    owner = models.ForeignKey(
        "people.Membership",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_test_scenarios",
        verbose_name=_("owner"),
        help_text=_("A Key User of the module."),
    )
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Scenario ID, title, business process and preconditions, for search (see erpteam.fulltext).
    search_vector = SearchVectorField(null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        verbose_name = _("test scenario")
        verbose_name_plural = _("test scenarios")
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["project", "reference"], name="acceptance_testscenario_unique_reference"),
            models.CheckConstraint(
                condition=Q(priority__in=["high", "medium", "low"]), name="acceptance_testscenario_priority_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"


class TestStep(models.Model):
    """One step of a scenario: what the tester does and what the system should answer."""

    scenario = models.ForeignKey(
        TestScenario, on_delete=models.CASCADE, related_name="steps", verbose_name=_("scenario")
    )
    order = models.PositiveIntegerField(_("step"))
    action = models.TextField(_("action"))
    expected_result = models.TextField(_("expected result"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("test step")
        verbose_name_plural = _("test steps")
        ordering = ["scenario", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scenario", "order"], name="acceptance_teststep_unique_order"),
            models.CheckConstraint(condition=Q(order__gte=1), name="acceptance_teststep_order_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.scenario.reference} #{self.order}"


class TestCycle(models.Model):
    """A round of testing in a project (system integration, user acceptance, regression, cutover
    rehearsal), with the scenarios planned in it."""

    class Kind(models.TextChoices):
        SIT = "sit", _("System integration test (SIT)")
        UAT = "uat", _("User acceptance test (UAT)")
        REGRESSION = "regression", _("Regression test")
        CUTOVER = "cutover", _("Cutover rehearsal")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        FINISHED = "finished", _("Finished")

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="test_cycles", verbose_name=_("project")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    start_date = DateField(_("start"))
    end_date = DateField(_("end"))
    scenarios = models.ManyToManyField(
        TestScenario, through="CycleScenario", related_name="cycles", verbose_name=_("scenarios")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("test cycle")
        verbose_name_plural = _("test cycles")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="acceptance_testcycle_unique_name"),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="acceptance_testcycle_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["sit", "uat", "regression", "cutover"]), name="acceptance_testcycle_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def status(self) -> str:
        today = timezone.localdate()
        if today < self.start_date:
            return self.Status.PLANNED
        return self.Status.FINISHED if today > self.end_date else self.Status.IN_PROGRESS

    def get_status_display(self) -> str:
        return self.Status(self.status).label


class CycleScenario(models.Model):
    """A scenario planned in a cycle."""

    cycle = models.ForeignKey(TestCycle, on_delete=models.CASCADE, related_name="planned", verbose_name=_("cycle"))
    scenario = models.ForeignKey(
        TestScenario, on_delete=models.CASCADE, related_name="planned_in", verbose_name=_("scenario")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("planned scenario")
        verbose_name_plural = _("planned scenarios")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "scenario"], name="acceptance_cyclescenario_unique_scenario"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.scenario.reference}"


class Result(models.TextChoices):
    """A step's result, and a run's (derived from its steps)."""

    NOT_RUN = "not_run", _("Not run")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    BLOCKED = "blocked", _("Blocked")


class TestRun(models.Model):
    """One execution of a scenario in a cycle. A re-run is a new run: earlier runs stay as they were.

    The result follows from the steps: failed if any step failed, else blocked if any step is
    blocked, passed when every step passed, not run (yet) otherwise.
    """

    cycle = models.ForeignKey(TestCycle, on_delete=models.CASCADE, related_name="runs", verbose_name=_("cycle"))
    scenario = models.ForeignKey(
        TestScenario, on_delete=models.CASCADE, related_name="runs", verbose_name=_("scenario")
    )
    tester = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, related_name="test_runs", verbose_name=_("tester")
    )
    started_by = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, related_name="+", verbose_name=_("started by")
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result, default=Result.NOT_RUN)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("test run")
        verbose_name_plural = _("test runs")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=["not_run", "passed", "failed", "blocked"]),
                name="acceptance_testrun_result_valid",
            ),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | ~Q(result="not_run"),
                name="acceptance_testrun_finished_with_a_result",
            ),
            # One run at a time per scenario and cycle: finish it before re-running.
            models.UniqueConstraint(
                fields=["cycle", "scenario"],
                condition=Q(finished_at__isnull=True),
                name="acceptance_testrun_one_open_per_scenario",
            ),
        ]
        indexes = [models.Index(fields=["cycle", "scenario", "-started_at"], name="acceptance_run_latest_idx")]

    def __str__(self) -> str:
        return f"{self.scenario.reference} · {self.cycle}"

    @property
    def is_finished(self) -> bool:
        return self.finished_at is not None


# The image types a screenshot may be (told by its content), with the extension it is stored under;
# the extension alone decides the type it is served with.
SCREENSHOT_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}
SCREENSHOT_EXTENSIONS = {extension: content_type for content_type, extension in SCREENSHOT_TYPES.items()}


def screenshot_path(instance: "StepResult", filename: str) -> str:
    # A random name: the uploaded name is never used as a path. `filename` is "step.<extension>".
    extension = filename.rsplit(".", 1)[-1]
    return f"acceptance/{instance.run.cycle.project_id}/{uuid.uuid4().hex}.{extension}"


class StepResult(models.Model):
    """What happened at one step of a run. The step's action and expected result are copied when the
    run starts, so the run keeps what was tested even if the scenario changes later."""

    run = models.ForeignKey(TestRun, on_delete=models.CASCADE, related_name="step_results", verbose_name=_("run"))
    step = models.ForeignKey(
        TestStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="results", verbose_name=_("step")
    )
    order = models.PositiveIntegerField(_("step"))
    action = models.TextField(_("action"))
    expected_result = models.TextField(_("expected result"))
    status = models.CharField(_("result"), max_length=10, choices=Result, default=Result.NOT_RUN)
    actual_result = models.TextField(_("actual result"), blank=True)
    screenshot = models.FileField(_("screenshot"), upload_to=screenshot_path, blank=True)
    recorded_by = models.ForeignKey(
        "people.Membership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True)
    defect = models.ForeignKey(
        "issues.Issue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="acceptance_step_results",
        verbose_name=_("defect"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("step result")
        verbose_name_plural = _("step results")
        ordering = ["run", "order"]
        constraints = [
            models.UniqueConstraint(fields=["run", "order"], name="acceptance_stepresult_unique_order"),
            models.CheckConstraint(
                condition=Q(status__in=["not_run", "passed", "failed", "blocked"]),
                name="acceptance_stepresult_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.run} #{self.order}"

    @property
    def can_raise_defect(self) -> bool:
        return self.status in (Result.FAILED, Result.BLOCKED) and self.defect_id is None

    @property
    def screenshot_type(self) -> str | None:
        """The content type the screenshot is served with (None when there is none)."""
        if not self.screenshot:
            return None
        return SCREENSHOT_EXTENSIONS.get(self.screenshot.name.rsplit(".", 1)[-1])


class ModuleSignOff(models.Model):
    """The Key User's sign-off of a module's acceptance in a cycle."""

    cycle = models.ForeignKey(TestCycle, on_delete=models.CASCADE, related_name="sign_offs", verbose_name=_("cycle"))
    module = models.ForeignKey(
        "modules.BusinessModule",
        on_delete=models.CASCADE,
        related_name="acceptance_sign_offs",
        verbose_name=_("module"),
    )
    signed_by = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, related_name="+", verbose_name=_("signed off by")
    )
    signed_at = models.DateTimeField(_("signed off"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("module sign-off")
        verbose_name_plural = _("module sign-offs")
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "module"], name="acceptance_modulesignoff_unique_module"),
        ]

    def __str__(self) -> str:
        return f"{self.module} · {self.cycle}"


class AcceptanceException(models.Model):
    """A consultant's accepted exception: the module may be signed off in this cycle although S1/S2
    defects raised in it are still open, for the reason given."""

    cycle = models.ForeignKey(TestCycle, on_delete=models.CASCADE, related_name="exceptions", verbose_name=_("cycle"))
    module = models.ForeignKey(
        "modules.BusinessModule",
        on_delete=models.CASCADE,
        related_name="acceptance_exceptions",
        verbose_name=_("module"),
    )
    consultant = models.ForeignKey(
        "people.Membership", on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("acceptance exception")
        verbose_name_plural = _("acceptance exceptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "module"], name="acceptance_acceptanceexception_unique_module"),
            models.CheckConstraint(condition=~Q(reason=""), name="acceptance_acceptanceexception_reason_given"),
        ]

    def __str__(self) -> str:
        return f"{self.module} · {self.cycle}"
