"""Every write to acceptance testing: scenarios and their steps, cycles, runs and step results, the
defects they raise, and the Key User's sign-off of a module per cycle."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator, format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from acceptance.models import (
    SCREENSHOT_TYPES,
    AcceptanceException,
    CycleScenario,
    ModuleSignOff,
    Result,
    StepResult,
    TestCycle,
    TestRun,
    TestScenario,
    TestStep,
)
from acceptance.selectors import blocking_defects
from erpteam.permissions import Action, allows
from erpteam.readiness_registry import evidence_changed
from issues.models import Issue
from issues.services import issue_create
from issues.uploads import attachment_check
from modules.models import BusinessModule, KeyUserAssignment
from notifications.models import Notification
from notifications.services import notify
from people.models import Membership
from projects.models import Project

SCENARIO_FIELDS = {"module", "reference", "title", "business_process", "description", "owner", "priority"}


@dataclass(frozen=True)
class StepSpec:
    """A step as a form or an import gives it; its order is its place in the list."""

    action: str
    expected_result: str


def _person(membership: Membership | None) -> str:
    return membership.user.display_name if membership else ""


def _require_member(*, project_id: int, membership: Membership) -> None:
    if membership.project_id != project_id or not membership.is_active or not membership.user.is_active:
        raise ValidationError(
            _("%(person)s is not an active member of this project.") % {"person": _person(membership)},
            code="not_member",
        )


def _require_module_key_user(*, module: BusinessModule, membership: Membership, code: str) -> None:
    if not KeyUserAssignment.objects.effective().filter(module=module, membership=membership).exists():
        raise ValidationError(
            _("%(person)s is not a Key User of %(module)s.") % {"person": _person(membership), "module": module.name},
            code=code,
        )


# --- scenarios -----------------------------------------------------------------------------------------


def _scenario_check(scenario: TestScenario, related_modules: Iterable[BusinessModule]) -> list[BusinessModule]:
    """Checks shared by creating and changing a scenario; returns the other modules it touches."""
    if scenario.module.project_id != scenario.project_id:
        raise ValidationError(_("The module belongs to another project."), code="other_project")
    if scenario.owner is None:
        raise ValidationError(_("Name the scenario's owner, a Key User of the module."), code="no_owner")
    _require_member(project_id=scenario.project_id, membership=scenario.owner)
    _require_module_key_user(module=scenario.module, membership=scenario.owner, code="owner_not_key_user")
    others = [m for m in dict.fromkeys(related_modules) if m.pk != scenario.module_id]
    if any(m.project_id != scenario.project_id for m in others):
        raise ValidationError(_("The other modules must belong to this project."), code="other_project")
    duplicate = TestScenario.objects.filter(project_id=scenario.project_id, reference=scenario.reference)
    if scenario.pk:
        duplicate = duplicate.exclude(pk=scenario.pk)
    if duplicate.exists():
        raise ValidationError(
            _("The scenario ID %(reference)s is already used in this project.") % {"reference": scenario.reference},
            code="duplicate_reference",
        )
    return others


def _steps_replace(scenario: TestScenario, steps: Sequence[StepSpec]) -> None:
    """Make the scenario's steps exactly these, in this order. Steps are changed in place (so their
    history reads as edits); runs already recorded keep the copy of the steps they were run with."""
    specs = [StepSpec(s.action.strip(), s.expected_result.strip()) for s in steps]
    for number, spec in enumerate(specs, start=1):
        if not spec.action or not spec.expected_result:
            raise ValidationError(
                _("Step %(number)s needs both an action and an expected result.") % {"number": number},
                code="step_incomplete",
            )
    existing = {step.order: step for step in scenario.steps.all()}
    for step in [s for order, s in existing.items() if order > len(specs)]:
        step.delete()
    for number, spec in enumerate(specs, start=1):
        step = existing.get(number) or TestStep(scenario=scenario, order=number)
        if step.pk and (step.action, step.expected_result) == (spec.action, spec.expected_result):
            continue
        step.action, step.expected_result = spec.action, spec.expected_result
        step.full_clean()
        step.save()


def scenario_create(
    *,
    project: Project,
    module: BusinessModule,
    reference: str,
    title: str,
    business_process: str,
    owner: Membership | None,
    priority: str = TestScenario.Priority.MEDIUM,
    description: str = "",
    related_modules: Iterable[BusinessModule] = (),
    steps: Sequence[StepSpec] = (),
) -> TestScenario:
    """Write a test scenario of a module. Its owner is a Key User of that module; its ID is unique in
    the project."""
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=project.pk)
        scenario = TestScenario(
            project=project,
            module=module,
            reference=reference.strip(),
            title=title.strip(),
            business_process=business_process.strip(),
            description=description,
            owner=owner,
            priority=priority,
        )
        others = _scenario_check(scenario, related_modules)
        scenario.full_clean()
        scenario.save()
        scenario.related_modules.set(others)
        _steps_replace(scenario, steps)
    return scenario


def scenario_update(
    *,
    scenario: TestScenario,
    related_modules: Iterable[BusinessModule] | None = None,
    steps: Sequence[StepSpec] | None = None,
    **fields,
) -> TestScenario:
    """Change a scenario and, when given, the other modules it touches and its steps. Runs already
    recorded keep the steps they were run with."""
    if unknown := set(fields) - SCENARIO_FIELDS:
        raise TypeError(f"scenario_update() got unexpected fields: {sorted(unknown)}")
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=scenario.project_id)
        locked = TestScenario.objects.select_for_update().get(pk=scenario.pk)
        if "module" in fields and fields["module"].pk != locked.module_id and locked.runs.exists():
            raise ValidationError(
                _("%(reference)s has been run in %(module)s; it cannot move to another module.")
                % {"reference": locked.reference, "module": locked.module.name},
                code="module_has_runs",
            )
        for field, value in fields.items():
            setattr(scenario, field, value.strip() if isinstance(value, str) else value)
        current = related_modules if related_modules is not None else scenario.related_modules.all()
        others = _scenario_check(scenario, current)
        scenario.full_clean()
        scenario.save()
        scenario.related_modules.set(others)
        if steps is not None:
            _steps_replace(scenario, steps)
    return scenario


def scenario_delete(*, scenario: TestScenario) -> None:
    """Delete a scenario that has never been run; the runs of one that has are its history."""
    with transaction.atomic():
        scenario = TestScenario.objects.select_for_update().get(pk=scenario.pk)
        if scenario.runs.exists():
            raise ValidationError(
                _("%(reference)s has test runs; it is kept with its history.") % {"reference": scenario.reference},
                code="scenario_has_runs",
            )
        scenario.delete()


# --- cycles ----------------------------------------------------------------------------------------------


def _cycle_scenarios_set(cycle: TestCycle, scenarios: Iterable[TestScenario]) -> None:
    wanted = {s.pk: s for s in scenarios}
    if any(s.project_id != cycle.project_id for s in wanted.values()):
        raise ValidationError(_("The scenarios must belong to this project."), code="other_project")
    planned = {p.scenario_id: p for p in cycle.planned.select_related("scenario")}
    dropped = [p for scenario_id, p in planned.items() if scenario_id not in wanted]
    run_ids = set(
        TestRun.objects.filter(cycle=cycle, scenario_id__in=[p.scenario_id for p in dropped]).values_list(
            "scenario_id", flat=True
        )
    )
    if run_ids:
        raise ValidationError(
            _("These scenarios have runs in %(cycle)s and stay in it: %(references)s.")
            % {
                "cycle": cycle.name,
                "references": ", ".join(sorted(p.scenario.reference for p in dropped if p.scenario_id in run_ids)),
            },
            code="planned_scenario_has_runs",
        )
    for entry in dropped:
        entry.delete()
    for scenario_id in wanted.keys() - planned.keys():
        CycleScenario.objects.create(cycle=cycle, scenario_id=scenario_id)


def cycle_create(
    *,
    project: Project,
    kind: str,
    name: str,
    start_date,
    end_date,
    scenarios: Iterable[TestScenario] = (),
) -> TestCycle:
    """Plan a test cycle of the project with the scenarios to run in it."""
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=project.pk)
        cycle = TestCycle(project=project, kind=kind, name=name.strip(), start_date=start_date, end_date=end_date)
        cycle.full_clean()
        cycle.save()
        _cycle_scenarios_set(cycle, scenarios)
    return cycle


def cycle_update(
    *, cycle: TestCycle, kind: str, name: str, start_date, end_date, scenarios: Iterable[TestScenario]
) -> TestCycle:
    """Change a cycle's kind, name, dates and scenarios. A scenario with runs in the cycle stays."""
    with transaction.atomic():
        cycle = TestCycle.objects.select_for_update().get(pk=cycle.pk)
        cycle.kind, cycle.name, cycle.start_date, cycle.end_date = kind, name.strip(), start_date, end_date
        cycle.full_clean()
        cycle.save()
        _cycle_scenarios_set(cycle, scenarios)
    return cycle


def cycle_delete(*, cycle: TestCycle) -> None:
    """Delete a cycle in which nothing has been run yet."""
    with transaction.atomic():
        cycle = TestCycle.objects.select_for_update().get(pk=cycle.pk)
        if cycle.runs.exists():
            raise ValidationError(
                _("%(cycle)s has test runs; it is kept with its history.") % {"cycle": cycle.name},
                code="cycle_has_runs",
            )
        cycle.delete()


# --- runs ------------------------------------------------------------------------------------------------


def _run_url(run: TestRun) -> str:
    return reverse("acceptance:run_detail", kwargs={"project_id": run.cycle.project_id, "run_pk": run.pk})


def run_start(
    *,
    cycle: TestCycle,
    scenario: TestScenario,
    tester: Membership,
    started_by: Membership,
    at: datetime.datetime | None = None,
) -> TestRun:
    """Start a run of a planned scenario in a cycle, every step not run yet. The tester is someone the
    policy lets run the module's tests (a consultant, one of its Key Users, or an end user).

    A re-run is a new run; it waits until the previous run is finished and the defects raised from
    this scenario in this cycle are resolved. `at` (here and in the other run services) is when it
    happened, for a test recorded after the fact from a paper script.
    """
    with transaction.atomic():
        planned = (
            CycleScenario.objects.select_for_update(of=("self",))
            .select_related("scenario__module", "cycle")
            .filter(cycle=cycle, scenario=scenario)
            .first()
        )
        if planned is None:
            raise ValidationError(
                _("%(reference)s is not planned in %(cycle)s.")
                % {"reference": scenario.reference, "cycle": cycle.name},
                code="not_planned",
            )
        scenario, cycle = planned.scenario, planned.cycle
        _require_member(project_id=cycle.project_id, membership=tester)
        if not allows(tester, Action.ACCEPTANCE_RUN, module_id=scenario.module_id):
            raise ValidationError(
                _("%(person)s cannot test %(module)s: name a consultant, one of its Key Users or an end user.")
                % {"person": _person(tester), "module": scenario.module.name},
                code="tester_not_allowed",
            )
        steps = list(scenario.steps.all())
        if not steps:
            raise ValidationError(
                _("%(reference)s has no steps yet; write them first.") % {"reference": scenario.reference},
                code="no_steps",
            )
        unfinished = TestRun.objects.filter(cycle=cycle, scenario=scenario, finished_at__isnull=True).first()
        if unfinished is not None:
            raise ValidationError(
                _("%(reference)s already has a run in progress in %(cycle)s; continue or finish it first.")
                % {"reference": scenario.reference, "cycle": cycle.name},
                code="run_in_progress",
            )
        open_defects = list(
            Issue.objects.open()
            .filter(acceptance_step_results__run__cycle=cycle, acceptance_step_results__run__scenario=scenario)
            .distinct()
            .order_by("number")
        )
        if open_defects:
            raise ValidationError(
                _(
                    "Defects raised from %(reference)s in this cycle are still open: %(numbers)s. "
                    "Re-run it once they are resolved."
                )
                % {"reference": scenario.reference, "numbers": ", ".join(f"#{i.number}" for i in open_defects)},
                code="open_defects",
            )
        run = TestRun.objects.create(
            cycle=cycle, scenario=scenario, tester=tester, started_by=started_by, started_at=at or timezone.now()
        )
        bulk_create_with_history(
            [
                StepResult(run=run, step=s, order=s.order, action=s.action, expected_result=s.expected_result)
                for s in steps
            ],
            StepResult,
        )
        evidence_changed(project_id=cycle.project_id)  # bulk_create sends no post_save
        if tester.pk != started_by.pk:
            notify(
                recipients=[tester.user],
                kind=Notification.Kind.ASSIGNED,
                event_key=f"acceptance:run:{run.pk}:tester",
                subject=format_lazy(
                    gettext_lazy("You are the tester of {reference} in {cycle}"),
                    reference=scenario.reference,
                    cycle=cycle.name,
                ),
                body=format_lazy(
                    gettext_lazy("{person} asked you to run the test scenario “{title}” and record each step."),
                    person=_person(started_by),
                    title=scenario.title,
                ),
                url=_run_url(run),
                project=cycle.project,
            )
    return run


def _run_lock(run: TestRun) -> TestRun:
    return TestRun.objects.select_for_update(of=("self",)).select_related("cycle", "scenario__module").get(pk=run.pk)


def _require_open(run: TestRun) -> None:
    if run.finished_at is not None:
        raise ValidationError(
            _("This run is finished; start a new run to test the scenario again."), code="run_finished"
        )


def run_result(run: TestRun) -> str:
    """The run's result from its steps: any failed → failed; else any blocked → blocked; all passed →
    passed; otherwise not run (yet)."""
    counts = run.step_results.aggregate(
        total=Count("id"),
        passed=Count("id", filter=Q(status=Result.PASSED)),
        failed=Count("id", filter=Q(status=Result.FAILED)),
        blocked=Count("id", filter=Q(status=Result.BLOCKED)),
    )
    if counts["failed"]:
        return Result.FAILED
    if counts["blocked"]:
        return Result.BLOCKED
    if counts["total"] and counts["passed"] == counts["total"]:
        return Result.PASSED
    return Result.NOT_RUN


def screenshot_check(upload) -> str:
    """A screenshot is an image (PNG, JPEG, GIF or WebP, told by its content) within the size limit;
    returns the extension it is stored under."""
    content_type = attachment_check(upload)
    if content_type not in SCREENSHOT_TYPES:
        raise ValidationError(
            _("%(name)s is not an image: attach a PNG, JPEG, GIF or WebP screenshot.") % {"name": upload.name},
            code="file_type",
        )
    return SCREENSHOT_TYPES[content_type]


def step_record(
    *,
    step_result: StepResult,
    status: str,
    actual_result: str,
    recorded_by: Membership,
    screenshot=None,
    at: datetime.datetime | None = None,
) -> StepResult:
    """Record a step of a run that is not finished: passed, failed, blocked or not run, what actually
    happened (needed when it failed or is blocked) and a screenshot. The run's result follows."""
    if status not in Result.values:
        raise ValidationError(_("Choose passed, failed, blocked or not run."), code="invalid_status")
    actual_result = actual_result.strip()
    if status in (Result.FAILED, Result.BLOCKED) and not actual_result:
        raise ValidationError(
            _("Describe what actually happened: the defect will say it."), code="actual_result_required"
        )
    extension = screenshot_check(screenshot) if screenshot is not None else None
    with transaction.atomic():
        run = _run_lock(step_result.run)
        _require_open(run)
        step_result = StepResult.objects.select_for_update().get(pk=step_result.pk, run=run)
        step_result.run = run
        step_result.status = status
        step_result.actual_result = actual_result
        step_result.recorded_by = recorded_by
        step_result.recorded_at = at or timezone.now()
        if screenshot is not None:
            step_result.screenshot.save(f"step.{extension}", screenshot, save=False)
        step_result.full_clean()
        step_result.save()
        result = run_result(run)
        if result != run.result:
            run.result = result
            run.save(update_fields=["result"])
    return step_result


def run_finish(*, run: TestRun, at: datetime.datetime | None = None) -> TestRun:
    """Close a run once it has a result: every step passed, or a step failed or is blocked (the steps
    after it may stay not run). A finished run is history; testing again is a new run."""
    with transaction.atomic():
        run = _run_lock(run)
        _require_open(run)
        if run.result == Result.NOT_RUN:
            missing = list(run.step_results.filter(status=Result.NOT_RUN).values_list("order", flat=True))
            raise ValidationError(
                _("Record a result for steps %(steps)s first.") % {"steps": ", ".join(map(str, missing))},
                code="steps_not_run",
            )
        run.finished_at = at or timezone.now()
        run.save(update_fields=["finished_at"])
    return run


def defect_raise(
    *, step_result: StepResult, severity: str, reporter: Membership, at: datetime.datetime | None = None
) -> Issue:
    """Raise a defect in the issues of the scenario's module from a failed or blocked step, with the
    step, its expected and actual result (and the screenshot), linked to the step. Once per step."""
    with transaction.atomic():
        step_result = (
            StepResult.objects.select_for_update(of=("self",))
            .select_related("run__cycle", "run__scenario__module", "run__tester__user", "defect")
            .get(pk=step_result.pk)
        )
        if step_result.status not in (Result.FAILED, Result.BLOCKED):
            raise ValidationError(_("Only a failed or blocked step raises a defect."), code="step_not_failed")
        if step_result.defect is not None:
            raise ValidationError(
                _("Defect #%(number)s was already raised from this step.") % {"number": step_result.defect.number},
                code="defect_exists",
            )
        if severity not in Issue.Severity.values:
            raise ValidationError(_("Choose the defect's severity."), code="invalid_severity")
        run, scenario = step_result.run, step_result.run.scenario
        description = "\n\n".join(
            [
                _(
                    "Raised from test scenario %(reference)s “%(title)s”, step %(step)s, in %(cycle)s "
                    "(tester: %(tester)s)."
                )
                % {
                    "reference": scenario.reference,
                    "title": scenario.title,
                    "step": step_result.order,
                    "cycle": run.cycle.name,
                    "tester": _person(run.tester),
                },
                _("Action: %(text)s") % {"text": step_result.action},
                _("Expected result: %(text)s") % {"text": step_result.expected_result},
                _("Actual result: %(text)s") % {"text": step_result.actual_result},
            ]
        )
        attachments = []
        if step_result.screenshot:
            step_result.screenshot.open("rb")
            extension = step_result.screenshot.name.rsplit(".", 1)[-1]
            attachments.append(File(step_result.screenshot.file, name=f"step-{step_result.order}.{extension}"))
        try:
            issue = issue_create(
                module=scenario.module,
                title=Truncator(
                    _("%(reference)s step %(step)s: %(actual)s")
                    % {"reference": scenario.reference, "step": step_result.order, "actual": step_result.actual_result}
                ).chars(200),
                description=description,
                category=Issue.Category.DEFECT,
                severity=severity,
                reporter=reporter,
                affected_end_user=run.tester if run.tester.role == Membership.Role.END_USER else None,
                attachments=attachments,
                logged_at=at,
            )
        finally:
            if step_result.screenshot:
                step_result.screenshot.close()
        step_result.defect = issue
        step_result.save(update_fields=["defect"])
    return issue


# --- sign-off --------------------------------------------------------------------------------------------


def _cycle_locked(cycle: TestCycle, *, module: BusinessModule, member: Membership) -> TestCycle:
    """The cycle, locked for a change to one module's acceptance in it by an active member of its project."""
    cycle = TestCycle.objects.select_for_update().get(pk=cycle.pk)
    _require_in_project(cycle, module)
    _require_member(project_id=cycle.project_id, membership=member)
    return cycle


def _require_in_project(cycle: TestCycle, module: BusinessModule) -> None:
    if module.project_id != cycle.project_id:
        raise ValidationError(_("The module belongs to another project."), code="other_project")


def sign_off_create(
    *, cycle: TestCycle, module: BusinessModule, signed_by: Membership, at: datetime.datetime | None = None
) -> ModuleSignOff:
    """The Key User signs off their module's acceptance in a cycle: refused while S1/S2 defects raised
    in that cycle for the module are open, unless a consultant recorded an accepted exception."""
    with transaction.atomic():
        cycle = _cycle_locked(cycle, module=module, member=signed_by)
        _require_module_key_user(module=module, membership=signed_by, code="not_key_user")
        if ModuleSignOff.objects.filter(cycle=cycle, module=module).exists():
            raise ValidationError(
                _("%(module)s is already signed off in %(cycle)s.") % {"module": module.name, "cycle": cycle.name},
                code="already_signed_off",
            )
        if not CycleScenario.objects.filter(cycle=cycle, scenario__module=module).exists():
            raise ValidationError(
                _("No scenario of %(module)s is planned in %(cycle)s; there is nothing to sign off.")
                % {"module": module.name, "cycle": cycle.name},
                code="nothing_planned",
            )
        blocking = list(blocking_defects(cycle=cycle, module=module))
        if blocking and not AcceptanceException.objects.filter(cycle=cycle, module=module).exists():
            raise ValidationError(
                _(
                    "%(module)s cannot be signed off: S1/S2 defects raised in %(cycle)s are still open "
                    "(%(numbers)s). Resolve them, or ask a consultant to record an accepted exception."
                )
                % {
                    "module": module.name,
                    "cycle": cycle.name,
                    "numbers": ", ".join(f"#{issue.number}" for issue in blocking),
                },
                code="open_blocking_defects",
            )
        sign_off = ModuleSignOff(cycle=cycle, module=module, signed_by=signed_by, signed_at=at or timezone.now())
        sign_off.full_clean()
        sign_off.save()
    return sign_off


def _require_consultant(membership: Membership) -> None:
    if not membership.is_consultant:
        raise ValidationError(
            _("Only a consultant records or withdraws an accepted exception; %(person)s is a %(role)s.")
            % {"person": _person(membership), "role": membership.get_role_display()},
            code="not_consultant",
        )


def exception_create(
    *, cycle: TestCycle, module: BusinessModule, consultant: Membership, reason: str
) -> AcceptanceException:
    """A consultant accepts that the module may be signed off in this cycle despite open S1/S2 defects,
    and says why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the exception."), code="no_reason")
    with transaction.atomic():
        cycle = _cycle_locked(cycle, module=module, member=consultant)
        _require_consultant(consultant)
        if AcceptanceException.objects.filter(cycle=cycle, module=module).exists():
            raise ValidationError(
                _("An exception is already recorded for %(module)s in %(cycle)s.")
                % {"module": module.name, "cycle": cycle.name},
                code="exception_exists",
            )
        exception = AcceptanceException(cycle=cycle, module=module, consultant=consultant, reason=reason)
        exception.full_clean()
        exception.save()
    return exception


def sign_off_withdraw(*, cycle: TestCycle, module: BusinessModule, by: Membership) -> None:
    """A Key User of the module takes its sign-off in the cycle back (signed by mistake, or a defect
    found since): the module counts as not signed off again. The audit trail keeps the sign-off."""
    with transaction.atomic():
        cycle = _cycle_locked(cycle, module=module, member=by)
        _require_module_key_user(module=module, membership=by, code="not_key_user")
        deleted, _rows = ModuleSignOff.objects.filter(cycle=cycle, module=module).delete()
        if not deleted:
            raise ValidationError(
                _("%(module)s is not signed off in %(cycle)s.") % {"module": module.name, "cycle": cycle.name},
                code="not_signed_off",
            )


def exception_withdraw(*, cycle: TestCycle, module: BusinessModule, consultant: Membership) -> None:
    """A consultant takes an accepted exception back. Refused while the module is signed off in the
    cycle: the sign-off may rest on it, so its Key User withdraws that first."""
    with transaction.atomic():
        cycle = _cycle_locked(cycle, module=module, member=consultant)
        _require_consultant(consultant)
        if ModuleSignOff.objects.filter(cycle=cycle, module=module).exists():
            raise ValidationError(
                _(
                    "%(module)s is signed off in %(cycle)s, perhaps on the strength of this exception: its Key "
                    "User withdraws the sign-off first."
                )
                % {"module": module.name, "cycle": cycle.name},
                code="signed_off",
            )
        deleted, _rows = AcceptanceException.objects.filter(cycle=cycle, module=module).delete()
        if not deleted:
            raise ValidationError(
                _("No exception is recorded for %(module)s in %(cycle)s.")
                % {"module": module.name, "cycle": cycle.name},
                code="no_exception",
            )
