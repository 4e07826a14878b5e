"""Projects fixtures: readiness evidence made through the other apps' services, on the team's Finance
module (its Key User is the team's Key User)."""

import datetime

import pytest
from django.utils import timezone

from acceptance import services as acceptance_services
from acceptance.models import Result
from issues import services as issue_services
from issues.models import Issue
from modules import services as module_services
from modules.models import Deliverable
from people.models import Membership
from tests.acceptance.factories import cycle_make, run_make, scenario_make
from tests.factories import MembershipFactory
from training import services as training_services
from training.models import Attendance, TrainingSession

Role = Membership.Role


def at(days: float, hour: int = 10) -> datetime.datetime:
    """A time `days` from today (negative: in the past), in the site's time zone."""
    day = timezone.localdate() + datetime.timedelta(days=int(days))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class Evidence:
    """Builds a module's evidence the way the app records it."""

    def __init__(self, team):
        self.team = team
        self.module = team.module
        self.key_user = team.members[Role.KEY_USER]

    def backup_key_user(self, module=None) -> Membership:
        backup = MembershipFactory(project=self.team.project, role=Role.KEY_USER)
        module_services.key_user_assign(module=module or self.module, membership=backup, kind="backup")
        return backup

    def end_users(self, count: int, module=None) -> list[Membership]:
        people = [MembershipFactory(project=self.team.project, role=Role.END_USER) for _ in range(count)]
        for person in people:
            module_services.module_end_user_add(module=module or self.module, membership=person)
        return people

    def session(self, people, *, kind=TrainingSession.Kind.END_USER, days=-2, module=None) -> TrainingSession:
        """A session held `days` from today, everyone in `people` present."""
        trainer = self.team.members[
            Role.APP_CONSULTANT if kind == TrainingSession.Kind.TRAIN_THE_TRAINER else Role.KEY_USER
        ]
        start = at(days)
        session = training_services.session_create(
            module=module or self.module,
            kind=kind,
            title=f"{kind} on day {days}",
            trainer=trainer,
            start_at=start,
            end_at=start + datetime.timedelta(hours=2),
            capacity=max(len(people), 1),
        )
        attendances = training_services.attendees_invite(session=session, memberships=people, override_capacity=True)
        training_services.attendance_record(
            session=session,
            marks={a.pk: (Attendance.Status.PRESENT, None) for a in attendances},
            now=session.end_at,
        )
        return session

    def sign_off_deliverables(self, count: int, module=None) -> None:
        consultant = self.team.user(Role.APP_CONSULTANT)
        for deliverable in (module or self.module).deliverables.order_by("position")[:count]:
            module_services.deliverable_update(
                deliverable=deliverable,
                acting_user=consultant,
                status=Deliverable.Status.SIGNED_OFF,
                owner=None,
                due_date=None,
            )

    def issue(self, *, severity="s3", blocks=False, days=-1, module=None, **fields) -> Issue:
        return issue_services.issue_create(
            module=module or self.module,
            title=fields.pop("title", "Posting fails"),
            description="",
            category=fields.pop("category", Issue.Category.DEFECT),
            severity=severity,
            reporter=self.key_user,
            blocks_go_live=blocks,
            logged_at=at(days),
            **fields,
        )

    def settle(self, issue: Issue) -> Issue:
        issue = issue_services.issue_transition(issue=issue, to_status=Issue.Status.TRIAGED, actor=self.key_user)
        return issue_services.issue_transition(
            issue=issue, to_status=Issue.Status.RESOLVED, actor=self.key_user, resolution="Fixed"
        )

    def uat(self, results: list[str], *, signed_off: bool, start_days=-5):
        """A UAT cycle (started `start_days` from today) with one scenario per result, each run once."""
        scenarios = [scenario_make(module=self.module, steps=1) for _ in results]
        cycle = cycle_make(
            project=self.team.project,
            scenarios=scenarios,
            start=timezone.localdate() + datetime.timedelta(days=start_days),
        )
        for scenario, result in zip(scenarios, results, strict=True):
            if result != Result.NOT_RUN:
                run_make(cycle=cycle, scenario=scenario, tester=self.key_user, results=[result], finish=True)
        if signed_off:
            acceptance_services.sign_off_create(cycle=cycle, module=self.module, signed_by=self.key_user)
        return cycle


@pytest.fixture
def evidence(team) -> Evidence:
    return Evidence(team)
