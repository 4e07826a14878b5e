"""Acceptance data made through the services, as the app makes it."""

import datetime
import itertools

from acceptance import services
from acceptance.models import Result
from modules.models import KeyUserAssignment

_numbers = itertools.count(1)

# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002"
    "0000050001e226059b0000000049454e44ae426082"
)


def scenario_make(*, module, steps: int = 3, reference: str | None = None, owner=None, **fields):
    """A scenario of the module owned by its primary Key User, with `steps` steps."""
    if owner is None:
        owner = KeyUserAssignment.objects.filter(module=module).order_by("kind").first().membership
    return services.scenario_create(
        project=module.project,
        module=module,
        reference=reference or f"SC-{next(_numbers):03d}",
        title=fields.pop("title", "Post a supplier invoice"),
        business_process=fields.pop("business_process", "Procure to pay"),
        owner=owner,
        steps=[
            services.StepSpec(action=f"Do step {n}", expected_result=f"Step {n} is done") for n in range(1, steps + 1)
        ],
        **fields,
    )


def cycle_make(*, project, scenarios=(), kind: str = "uat", name: str | None = None, start=None, end=None):
    start = start or datetime.date(2026, 3, 2)
    return services.cycle_create(
        project=project,
        kind=kind,
        name=name or f"Cycle {next(_numbers)}",
        start_date=start,
        end_date=end or start + datetime.timedelta(days=13),
        scenarios=scenarios,
    )


def run_make(*, cycle, scenario, tester, results=(), finish: bool = False, started_by=None):
    """A run whose steps got `results` in order (the others stay not run); finished if asked."""
    run = services.run_start(cycle=cycle, scenario=scenario, tester=tester, started_by=started_by or tester)
    for step_result, status in zip(run.step_results.order_by("order"), results, strict=False):
        services.step_record(
            step_result=step_result,
            status=status,
            actual_result="" if status in (Result.PASSED, Result.NOT_RUN) else "It went wrong",
            recorded_by=tester,
        )
    run.refresh_from_db()
    if finish:
        run = services.run_finish(run=run)
    return run
