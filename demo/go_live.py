"""The demo's readiness: General ledger becomes the first module ready for go-live (its second UAT
scenario passed and the UAT signed off), a month of snapshots gives the trends, and the history holds
the no-go `manager` recorded after the SIT. No decision has been recorded since, so `manager` can
record one on today's evidence.

The steering committee asks for half of each module's deliverables signed off before go-live (at
risk from 30 %): training material and the cutover deliverables are signed off at cutover. The
planning step sets the deliverables' states, so this step leaves them alone.
"""

import datetime

from django.utils import timezone

from acceptance import services as acceptance_services
from acceptance.models import ModuleSignOff, Result, TestScenario
from acceptance.selectors import latest_uat_cycle
from demo.base import SECOND_PROJECT_CODE, Demo
from projects import services
from projects.models import Project
from readiness import services as readiness_services
from readiness.charts import TREND_DAYS
from readiness.evidence import project_readiness_on
from readiness.models import GoLiveDecision

# The no-go: the steering committee met two days after the SIT ended.
NO_GO_DAYS_AGO = 30
NO_GO = (
    (
        "SIT is signed off for every module, but end-user training has not started, only half of the Key Users "
        "are certified and no module has its deliverables signed off. No-go for the planned date as it stands: "
        "we review again at the end of UAT round 1."
    ),
    "SIT 已全部签字确认，但最终用户培训尚未开始，仅一半关键用户通过认证，且没有模块的交付物全部签字。"
    "按目前状态不同意按计划上线：UAT 第一轮结束时再评审。",
)


def _at(demo: Demo, days_ago: int, hour: int) -> datetime.datetime:
    day = demo.today - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _general_ledger_ready(demo: Demo) -> None:
    module = demo.modules["fin-gl"]
    key_user = demo.members["keyuser"]
    uat = latest_uat_cycle(project=demo.project, today=demo.today)
    scenario = TestScenario.objects.filter(project=demo.project, reference="GL-020").first()
    if uat is None or scenario is None or ModuleSignOff.objects.filter(cycle=uat, module=module).exists():
        return
    backup = demo.members["ku.wu"]
    at = _at(demo, 1, 10)
    run = acceptance_services.run_start(cycle=uat, scenario=scenario, tester=backup, started_by=backup, at=at)
    for minutes, step in enumerate(run.step_results.order_by("order"), start=1):
        acceptance_services.step_record(
            step_result=step,
            status=Result.PASSED,
            actual_result="",
            recorded_by=backup,
            at=at + datetime.timedelta(minutes=10 * minutes),
        )
    acceptance_services.run_finish(run=run, at=at + datetime.timedelta(hours=1))
    acceptance_services.sign_off_create(cycle=uat, module=module, signed_by=key_user, at=_at(demo, 1, 16))


def _past_no_go(demo: Demo) -> None:
    project = demo.project
    if GoLiveDecision.objects.filter(project=project).exists():
        return
    day = demo.today - datetime.timedelta(days=NO_GO_DAYS_AGO)
    readiness_services.go_live_decision_record(
        project=project,
        decided_by=demo.members["manager"],
        outcome=GoLiveDecision.Outcome.NO_GO,
        rationale=NO_GO[1] if demo.lang == "zh-hans" else NO_GO[0],
        evidence=project_readiness_on(project=project, day=day),
        at=_at(demo, NO_GO_DAYS_AGO, 16),
    )


def seed(*, demo: Demo) -> None:
    """Runs after the other steps: it reads their evidence (idempotent)."""
    services.readiness_thresholds_update(
        project=demo.project, readiness_deliverables_ready=50, readiness_deliverables_at_risk=30
    )
    _general_ledger_ready(demo)
    for project in Project.objects.filter(code__in=[demo.project.code, SECOND_PROJECT_CODE]):
        readiness_services.readiness_snapshot_take(project=project, today=demo.today)
        readiness_services.readiness_backfill(project=project, days=TREND_DAYS, today=demo.today)
    _past_no_go(demo)
