"""Large synthetic rollouts, to see how the app behaves at the size of a big client (`seed_demo --scale N`,
`seed_demo --size F`).

One rollout at the default size: a group rolling the ERP out at three plants at once, 40 business
modules, 5,000 people, 300 training sessions with about 20,000 invitations and attendances, 50,000
issues with their comments, timeline and history, deliverables, and acceptance tests (scenarios, a
finished SIT, a UAT in progress, runs and step results). `Size.times(F)` is one rollout F times as
big: F times the modules (at more plants), people (the vendor's and the client's teams too),
sessions and issues, so `--size 4` makes one project of 160 modules, 20,000 people and 200,000 issues.

Rows are written with bulk inserts in batches, history rows included (`bulk_create_with_history`,
dated when the change happened), so tens of thousands of rows take seconds, not hours. Modules go
through `modules.services.module_create`, so each gets its Key Users in the same transaction, as the
Key User rule requires; deliverables through `deliverable_update`. Each run adds new rollouts with the
next free codes (`scale-1`, `scale-2`, …) and never touches existing ones. Every account can log in
with the demo password; the lead consultant of `scale-N` is `scale-N.consultant`.
"""

import dataclasses
import datetime
import itertools
import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from acceptance.models import (
    CycleScenario,
    ModuleSignOff,
    Result,
    StepResult,
    TestCycle,
    TestRun,
    TestScenario,
    TestStep,
)
from demo.base import DEMO_PASSWORD
from issues.models import Comment, Decision, Escalation, Issue, IssueEvent, SlaBreach, SlaPolicy, SolutionOption
from issues.services import sla_policy_get_or_create
from modules import services as module_services
from modules.catalog import CATALOG
from modules.models import BusinessModule, Deliverable, ModuleEndUser
from people.models import Membership, User
from projects import services as project_services
from projects.models import Project
from training.models import Attendance, TrainingSession

CODE_PREFIX = "scale-"
BATCH = 2000
Role = Membership.Role
Status = Issue.Status


@dataclass(frozen=True)
class Size:
    """How big one synthetic rollout is. Attendances follow from the people and the sessions."""

    modules: int = 40
    people: int = 5000
    sessions: int = 300
    issues: int = 50_000
    comments_per_issue: float = 1.6
    scenarios_per_module: int = 5
    steps_per_scenario: int = 5
    teams: int = 1  # how many of each STAFFING group

    def __post_init__(self):
        if self.modules < 1:
            raise ValueError("A synthetic rollout has at least one module.")

    def times(self, factor: int) -> "Size":
        """This size, `factor` times as big (the same per module: scenarios and their steps)."""
        return dataclasses.replace(
            self,
            modules=self.modules * factor,
            people=self.people * factor,
            sessions=self.sessions * factor,
            issues=self.issues * factor,
            teams=self.teams * factor,
        )


@dataclass(frozen=True)
class Plant:
    code: str
    name: tuple[str, str]  # English, Chinese


PLANTS = (
    Plant("wx", ("Wuxi", "无锡")), Plant("cz", ("Changzhou", "常州")), Plant("nt", ("Nantong", "南通")),
    Plant("sz", ("Suzhou", "苏州")), Plant("yz", ("Yangzhou", "扬州")), Plant("zj", ("Zhenjiang", "镇江")),
    Plant("tz", ("Taizhou", "泰州")), Plant("yc", ("Yancheng", "盐城")), Plant("hz", ("Huzhou", "湖州")),
    Plant("jx", ("Jiaxing", "嘉兴")), Plant("sx", ("Shaoxing", "绍兴")), Plant("nb", ("Ningbo", "宁波")),
)  # fmt: skip


def _plants() -> Iterator[Plant]:
    """The group's plants in order: one in each city of PLANTS, then a second site in each, and so on."""
    yield from PLANTS
    for site in itertools.count(2):
        for plant in PLANTS:
            yield Plant(f"{plant.code}{site}", (f"{plant.name[0]} {site}", f"{plant.name[1]}{site}"))


DEPARTMENTS = {
    "fin-gl": ("Finance", "财务部"),
    "fin-ap": ("Finance", "财务部"),
    "fin-ar": ("Finance", "财务部"),
    "fin-aa": ("Finance", "财务部"),
    "co": ("Controlling", "成本控制部"),
    "wm": ("Warehouse", "仓储部"),
    "mm-pur": ("Purchasing", "采购部"),
    "sd": ("Sales", "销售部"),
    "pp": ("Production", "生产部"),
    "qm": ("Quality", "质量部"),
    "pm": ("Maintenance", "设备部"),
    "hr": ("HR", "人力资源部"),
    "ps": ("Projects", "项目部"),
    "bi": ("IT", "信息部"),
}
FAMILY_NAMES = (
    ("Wang", "王"), ("Li", "李"), ("Zhang", "张"), ("Liu", "刘"), ("Chen", "陈"), ("Yang", "杨"), ("Huang", "黄"),
    ("Zhao", "赵"), ("Wu", "吴"), ("Zhou", "周"), ("Xu", "徐"), ("Sun", "孙"), ("Ma", "马"), ("Zhu", "朱"),
    ("Hu", "胡"), ("Guo", "郭"), ("He", "何"), ("Gao", "高"), ("Lin", "林"), ("Luo", "罗"), ("Zheng", "郑"),
    ("Liang", "梁"), ("Xie", "谢"), ("Song", "宋"), ("Tang", "唐"), ("Han", "韩"), ("Feng", "冯"), ("Deng", "邓"),
)  # fmt: skip
GIVEN_NAMES = (
    ("Wei", "伟"), ("Fang", "芳"), ("Na", "娜"), ("Min", "敏"), ("Jing", "静"), ("Li", "丽"), ("Qiang", "强"),
    ("Lei", "磊"), ("Jun", "军"), ("Yang", "洋"), ("Yong", "勇"), ("Yan", "艳"), ("Jie", "杰"), ("Tao", "涛"),
    ("Ming", "明"), ("Chao", "超"), ("Xiuying", "秀英"), ("Hua", "华"), ("Ping", "平"), ("Gang", "刚"),
    ("Hui", "慧"), ("Kai", "凯"), ("Bin", "斌"), ("Hao", "浩"), ("Xia", "霞"), ("Peng", "鹏"), ("Ying", "颖"),
    ("Dan", "丹"), ("Lin", "琳"), ("Bo", "博"), ("Yu", "宇"), ("Xin", "欣"), ("Rui", "睿"), ("Jia", "佳"),
)  # fmt: skip
# People per role besides end users; Key Users: one and a half per module (a primary each, backups shared).
STAFFING = (
    (Role.APP_CONSULTANT, "ac", 4),
    (Role.TECH_CONSULTANT, "tc", 4),
    (Role.MANAGER, "mg", 6),
    (Role.IT_USER, "it", 20),
)
COURSES = (("Basics", "基础"), ("Daily processes", "日常业务"), ("Period end and reporting", "期末与报表"))
ISSUE_TITLES = {
    Issue.Category.DEFECT: (
        "Posting fails with a tax code error",
        "Document number range exhausted",
        "Output form prints the wrong address",
        "Workflow approval never reaches the approver",
        "Interface file from the MES is rejected",
        "Report totals differ from the ledger",
    ),
    Issue.Category.TRAINING_GAP: (
        "Does not know how to reverse a posting",
        "Unsure which movement type to use",
        "Cannot find the month-end checklist",
        "Asks how to copy a document from a reference",
    ),
    Issue.Category.CHANGE_REQUEST: (
        "Add the cost centre to the approval screen",
        "New field for the customer's drawing number",
        "Extra column in the open items report",
    ),
    Issue.Category.MASTER_DATA: (
        "Material master missing the plant view",
        "Supplier bank details not migrated",
        "Wrong unit of measure on migrated materials",
        "Customer credit limit missing",
    ),
    Issue.Category.QUESTION: (
        "Which authorisation role do I need?",
        "How are exchange rate differences posted?",
        "Where do I see my open tasks?",
    ),
}
COMMENTS = (
    "Reproduced in the quality system; looking into it.",
    "Can you send a screenshot of the error message?",
    "Screenshot attached to the ticket in the shared folder.",
    "This is a configuration gap; the consultant will adjust it.",
    "Tested again after the transport: works for me now.",
    "Explained the steps in the floor walk this morning.",
    "Waiting for the corrected master data file.",
    "Please confirm with the business owner before we change it.",
)
RESOLUTIONS = (
    "Configuration corrected and transported to production.",
    "Master data corrected; the user re-posted the document.",
    "Explained the process; added to the FAQ.",
    "Change approved and delivered in the weekly release.",
)
ALTERNATIVES = (
    (
        ("Correct the configuration", "修改配置"),
        ("Fixes the cause for everyone.", "从根本上解决。"),
        ("Needs a transport and a retest.", "需要传输和重新测试。"),
        "medium",
        "low",
    ),
    (
        ("Work around it with a manual step", "用手工步骤绕过"),
        ("Possible today.", "今天即可。"),
        ("Extra work at every month end.", "每月末额外工作。"),
        "low",
        "medium",
    ),
)
STEP_ACTIONS = (
    ("Create the document with the test data.", "The document is saved with a number."),
    ("Release it.", "The status changes to released."),
    ("Post the follow-on document.", "Stock and accounts are updated."),
    ("Check the accounting entries.", "The entries match the design."),
    ("Run the report for the period.", "The totals match the posted documents."),
)


SCALE_1 = Size()


def seed(
    *, count: int, size: Size | None = None, lang: str = "en", progress: Callable[[str], None] = lambda _m: None
) -> list[Project]:
    """Add `count` synthetic rollouts (of `size`, by default `SCALE_1`) with the next free codes; return
    them."""
    size = size or SCALE_1
    taken = {
        int(code.removeprefix(CODE_PREFIX))
        for code in Project.objects.filter(code__startswith=CODE_PREFIX).values_list("code", flat=True)
        if code.removeprefix(CODE_PREFIX).isdigit()
    }
    numbers = itertools.islice((n for n in itertools.count(1) if n not in taken), count)
    projects = []
    for number in numbers:
        with transaction.atomic():
            projects.append(_Rollout(number=number, size=size, lang=lang, progress=progress).build())
    return projects


def _batches(items: Iterator, size: int = BATCH) -> Iterator[list]:
    while batch := list(itertools.islice(items, size)):
        yield batch


def _with_history(model, objects: Sequence, *, dated: Callable | None = None) -> list:
    """Bulk insert with one history row each, dated when the change happened (`dated(obj)`)."""
    if dated is not None:
        for obj in objects:
            obj._history_date = dated(obj)
    return bulk_create_with_history(objects, model, batch_size=BATCH)


@dataclass
class _ModuleStaff:
    module: BusinessModule
    key_users: list[Membership]
    end_users: list[Membership] = field(default_factory=list)


class _Rollout:
    """Builds one synthetic rollout; the random generator is seeded by its number, so the same number
    gives the same rollout."""

    def __init__(self, *, number: int, size: Size, lang: str, progress: Callable[[str], None]):
        self.code = f"{CODE_PREFIX}{number}"
        self.size = size
        self.zh = lang == "zh-hans"
        self.rng = random.Random(number)
        self.progress = progress
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.start = self.today - datetime.timedelta(days=150)
        self.password = make_password(DEMO_PASSWORD)  # hashed once: the same for every synthetic account
        plants = itertools.islice(_plants(), -(-size.modules // len(CATALOG)))
        self.entries = [(plant, entry) for plant in plants for entry in CATALOG][: size.modules]
        self.people: dict[str, list[Membership]] = {}
        self.staff: list[_ModuleStaff] = []

    def text(self, pair: tuple[str, str]) -> str:
        return pair[1] if self.zh else pair[0]

    def at(self, day: float, hour: float = 9) -> datetime.datetime:
        """A moment `day` days from today (negative: in the past), in the site's time zone."""
        moment = datetime.datetime.combine(self.today, datetime.time()) + datetime.timedelta(days=day, hours=hour)
        return timezone.make_aware(moment)

    def build(self) -> Project:
        self.progress(f"{self.code}: people")
        self._people()
        self.progress(f"{self.code}: modules and deliverables")
        self._modules()
        self.progress(f"{self.code}: training")
        self._training()
        self.progress(f"{self.code}: issues")
        self._issues()
        self.progress(f"{self.code}: acceptance tests")
        self._acceptance()
        return self.project

    # --- people and modules -----------------------------------------------------------------------

    def _person(self, username: str) -> User:
        family, given = self.rng.choice(FAMILY_NAMES), self.rng.choice(GIVEN_NAMES)
        first, last = (family[1] + given[1], "") if self.zh else (given[0], family[0])
        return User(
            username=username,
            email=f"{username}@example.cn",
            first_name=first,
            last_name=last,
            password=self.password,
        )

    def _people(self) -> None:
        """The accounts and memberships, each in the department of the (first) module they work in."""
        size = self.size
        departments = [
            f"{self.text(plant.name)} · {self.text(DEPARTMENTS[entry.code])}" for plant, entry in self.entries
        ]
        key_user_count = size.modules + (size.modules + 1) // 2  # a primary per module, a backup per two
        staff_count = sum(n for _r, _a, n in STAFFING) * size.teams
        end_user_count = max(size.people - staff_count - key_user_count, size.modules)
        self.homes = [self.rng.randrange(size.modules) for _ in range(end_user_count)]
        plan = [(role, abbr, [""] * (n * size.teams)) for role, abbr, n in STAFFING]
        plan.append(
            (Role.KEY_USER, "ku", departments + [departments[2 * j] for j in range(key_user_count - size.modules)])
        )
        plan.append((Role.END_USER, "eu", [departments[home] for home in self.homes]))
        users, memberships = [], []
        for role, abbr, people_departments in plan:
            for index, department in enumerate(people_departments, start=1):
                lead = role == Role.APP_CONSULTANT and index == 1
                user = self._person(f"{self.code}.consultant" if lead else f"{self.code}.{abbr}{index:04d}")
                users.append(user)
                memberships.append(Membership(user=user, role=role, department=department))
        User.objects.bulk_create(users, batch_size=BATCH)
        self.project = project_services.project_create(
            created_by=users[0],
            code=self.code,
            name=self._project_name(),
            client=self.text(("Jiangnan Heavy Industries Group", "江南重工集团")),
            erp_product="SAP S/4HANA 2023",
            start_date=self.start,
            target_go_live=self.today + datetime.timedelta(days=45),
            phase=Project.Phase.REALIZE,
        )
        for membership in memberships:
            membership.project = self.project
        self.people[Role.APP_CONSULTANT] = [Membership.objects.get(project=self.project, user=users[0])]
        for membership in _with_history(Membership, memberships[1:]):  # the lead joined with the project
            self.people.setdefault(membership.role, []).append(membership)

    def _project_name(self) -> str:
        number = self.code.removeprefix(CODE_PREFIX)
        return self.text((f"Jiangnan Heavy Industries rollout {number}", f"江南重工上线项目 {number}"))

    def _modules(self) -> None:
        key_users = self.people[Role.KEY_USER]
        backups = key_users[self.size.modules :]
        for index, (plant, entry) in enumerate(self.entries):
            # Most modules have a backup Key User; one in ten is still waiting for one.
            owners = [key_users[index]] + ([backups[index // 2]] if index % 10 != 9 else [])
            module = module_services.module_create(
                project=self.project,
                code=f"{entry.code}-{plant.code}",
                name=f"{entry.name} · {self.text(plant.name)}",
                description=str(entry.description),
                key_users=owners,
            )
            self.staff.append(_ModuleStaff(module=module, key_users=owners))
        pairs = []
        # Each end user works in the module of their department, three in ten in a second one too.
        for membership, home in zip(self.people[Role.END_USER], self.homes, strict=True):
            second = self.rng.randrange(len(self.staff)) if self.rng.random() < 0.3 else home
            for index in dict.fromkeys((home, second)):
                self.staff[index].end_users.append(membership)
                pairs.append(ModuleEndUser(module=self.staff[index].module, membership=membership))
        _with_history(ModuleEndUser, pairs)
        self._deliverables()

    def _deliverables(self) -> None:
        """Each module's deliverables in order: some signed off, then one done and one in progress, the
        rest not started."""
        consultant = self.people[Role.APP_CONSULTANT][0].user
        for staff in self.staff:
            statuses = [Deliverable.Status.SIGNED_OFF] * self.rng.randint(0, 3)
            statuses += [Deliverable.Status.DONE, Deliverable.Status.IN_PROGRESS]
            deliverables = staff.module.deliverables.select_related("owner").order_by("position")
            for deliverable, status in zip(deliverables, statuses, strict=False):
                module_services.deliverable_update(
                    deliverable=deliverable,
                    acting_user=consultant,
                    status=status,
                    owner=deliverable.owner,
                    due_date=deliverable.due_date,
                )

    # --- training ----------------------------------------------------------------------------------

    def _session(self, staff: _ModuleStaff, *, kind: str, title: str, trainer: Membership, day: float, **extra):
        start = self.at(day, self.rng.choice((9, 10, 14)))
        if start > self.now:
            status = TrainingSession.Status.PLANNED
        else:
            status = TrainingSession.Status.CANCELLED if self.rng.random() < 0.03 else TrainingSession.Status.HELD
        return TrainingSession(
            module=staff.module,
            kind=kind,
            title=title,
            trainer=trainer,
            start_at=start,
            end_at=start + datetime.timedelta(hours=3),
            place=self.text(("Training room", "培训室")) + f" {self.rng.randint(1, 6)}",
            status=status,
            created_by=self.people[Role.APP_CONSULTANT][0].user,
            **extra,
        )

    def _training(self) -> None:
        sessions, invitees = [], []
        consultants = self.people[Role.APP_CONSULTANT]
        for staff in self.staff:
            name = staff.module.name
            certified_late = self.rng.random() < 0.1
            sessions.append(
                self._session(
                    staff,
                    kind=TrainingSession.Kind.TRAIN_THE_TRAINER,
                    title=self.text(("Train-the-trainer", "培训师培训")) + f" · {name}",
                    trainer=self.rng.choice(consultants),
                    day=self.rng.uniform(3, 10) if certified_late else self.rng.uniform(-90, -60),
                    capacity=10,
                )
            )
            invitees.append(staff.key_users)
            for number, course in enumerate(COURSES):
                half = (len(staff.end_users) + 1) // 2
                for part, people in enumerate((staff.end_users[:half], staff.end_users[half:])):
                    sessions.append(
                        self._session(
                            staff,
                            kind=TrainingSession.Kind.END_USER,
                            title=f"{name} · {self.text(course)} ({part + 1})",
                            trainer=staff.key_users[0],
                            day=-36 + 18 * number + 4 * part + self.rng.uniform(0, 3),
                            capacity=max(len(people) + 5, 20),
                            has_assessment=number == len(COURSES) - 1,
                        )
                    )
                    invitees.append(people)
        for _index in range(self.size.sessions - len(sessions)):
            staff = self.rng.choice(self.staff)
            people = self.rng.sample(staff.end_users, min(len(staff.end_users), 60))
            sessions.append(
                self._session(
                    staff,
                    kind=TrainingSession.Kind.REFRESHER,
                    title=self.text(("Refresher", "复训")) + f" · {staff.module.name}",
                    trainer=staff.key_users[-1],
                    day=self.rng.uniform(-20, 30),
                    capacity=max(len(people), 1),
                )
            )
            invitees.append(people)
        sessions = _with_history(TrainingSession, sessions, dated=lambda s: min(s.start_at, self.now))
        attendances = (
            self._attendance(session, membership)
            for session, people in zip(sessions, invitees, strict=True)
            for membership in people
        )
        for batch in _batches(attendances):
            _with_history(Attendance, batch, dated=lambda a: a.recorded_at or self.now)

    def _attendance(self, session: TrainingSession, membership: Membership) -> Attendance:
        attendance = Attendance(session=session, membership=membership)
        if session.status != TrainingSession.Status.HELD:
            return attendance
        roll = self.rng.random()
        attendance.status = (
            Attendance.Status.PRESENT
            if roll < 0.8
            else Attendance.Status.LATE
            if roll < 0.86
            else Attendance.Status.ABSENT
            if roll < 0.94
            else Attendance.Status.EXCUSED
        )
        if session.is_train_the_trainer and attendance.status == Attendance.Status.LATE:
            attendance.status = Attendance.Status.PRESENT
        if session.has_assessment and attendance.status in (Attendance.Status.PRESENT, Attendance.Status.LATE):
            attendance.assessment_passed = self.rng.random() < 0.9
        attendance.recorded_at = session.end_at
        return attendance

    # --- issues --------------------------------------------------------------------------------------

    def _issues(self) -> None:
        policy = sla_policy_get_or_create(project=self.project)
        weights = [self.rng.uniform(0.3, 3) for _staff in self.staff]
        chosen = self.rng.choices(self.staff, weights=weights, k=self.size.issues)
        for first in range(0, self.size.issues, BATCH * 2):
            batch = [
                self._issue(number, staff, policy)
                for number, staff in enumerate(chosen[first : first + BATCH * 2], start=first + 1)
            ]
            issues = _with_history(Issue, batch, dated=lambda issue: issue.created_at)
            self._issue_trail(issues)

    def _issue(self, number: int, staff: _ModuleStaff, policy: SlaPolicy) -> Issue:
        rng = self.rng
        category = rng.choices(list(ISSUE_TITLES), weights=(35, 15, 10, 20, 20))[0]
        severity = rng.choices(Issue.Severity.values, weights=(2, 13, 50, 35))[0]
        created = self.now - datetime.timedelta(days=rng.triangular(0, 140, 0), minutes=rng.randrange(600))
        age = (self.now - created).days
        recent = (20, 15, 25, 10, 20, 10) if age < 30 else (2, 2, 3, 3, 15, 75)
        status = rng.choices(Status.values, weights=recent)[0]
        reporter = rng.choice(staff.key_users)
        affected = rng.choice(staff.end_users) if staff.end_users and rng.random() < 0.7 else None
        if affected is not None and rng.random() < 0.15:
            reporter = affected  # a help request from the end user
        tier = rng.choices(Issue.Tier.values, weights=(80, 14, 6))[0]
        respond_hours, resolve_hours = policy.hours(severity)
        issue = Issue(
            project=self.project,
            number=number,
            module=staff.module,
            title=f"{rng.choice(ISSUE_TITLES[category])} ({staff.module.code.upper()}-{rng.randint(1000, 9999)})",
            description=rng.choice(COMMENTS),
            category=category,
            severity=severity,
            status=status,
            reporter=reporter,
            affected_end_user=affected,
            tier=tier,
            blocks_go_live=rng.random() < 0.03,
            sla_started_at=created,
            respond_due=created + datetime.timedelta(hours=respond_hours),
            resolve_due=created + datetime.timedelta(hours=resolve_hours),
            created_at=created,
        )
        if status != Status.NEW:
            issue.assignee = self._worker(staff, tier)
            issue.first_response_at = min(
                created + datetime.timedelta(hours=respond_hours * rng.uniform(0.1, 1.3)), self.now
            )
        if status == Status.WAITING:
            issue.waiting_on = rng.choice([reporter, self.people[Role.APP_CONSULTANT][0]])
            if issue.waiting_on == reporter:
                issue.sla_paused_at = created + (self.now - created) * rng.uniform(0.5, 1)
        if status in (Status.RESOLVED, Status.CLOSED):
            issue.resolution = rng.choice(RESOLUTIONS)
            issue.resolved_at = min(created + datetime.timedelta(hours=resolve_hours * rng.uniform(0.2, 1.5)), self.now)
        if status == Status.CLOSED:
            issue.closed_at = min(issue.resolved_at + datetime.timedelta(days=rng.uniform(0.5, 5)), self.now)
        return issue

    def _worker(self, staff: _ModuleStaff, tier: str) -> Membership:
        if tier == Issue.Tier.KEY_USER:
            return self.rng.choice(staff.key_users)
        if tier == Issue.Tier.CONSULTANT:
            return self.rng.choice(self.people[Role.APP_CONSULTANT])
        return self.rng.choice(self.people[Role.IT_USER] + self.people[Role.TECH_CONSULTANT])

    def _moment(self, issue: Issue, share: float) -> datetime.datetime:
        """A moment `share` of the way from the issue's logging to its end (or now)."""
        end = issue.closed_at or issue.resolved_at or self.now
        return issue.created_at + (end - issue.created_at) * share

    def _issue_trail(self, issues: list[Issue]) -> None:
        """Comments, escalations and the timeline of freshly inserted issues."""
        paths = {
            Status.NEW: [],
            Status.TRIAGED: ["new", "triaged"],
            Status.IN_PROGRESS: ["new", "triaged", "in_progress"],
            Status.WAITING: ["new", "triaged", "in_progress", "waiting"],
            Status.RESOLVED: ["new", "triaged", "in_progress", "resolved"],
            Status.CLOSED: ["new", "triaged", "in_progress", "resolved", "closed"],
        }
        Kind = IssueEvent.Kind
        comments, escalations, events, options, decisions, breaches = [], [], [], [], [], []
        for issue in issues:
            worker = issue.assignee or issue.reporter
            events.append(
                IssueEvent(
                    issue=issue, actor=issue.reporter, kind=Kind.LOGGED, after=issue.title, created_at=issue.created_at
                )
            )
            if issue.assignee is not None:
                events.append(
                    IssueEvent(
                        issue=issue,
                        actor=issue.reporter if issue.reporter.role != Role.END_USER else worker,
                        kind=Kind.ASSIGNED,
                        field="assignee",
                        after=issue.assignee.user.display_name,
                        created_at=self._moment(issue, 0.05),
                    )
                )
            if issue.tier != Issue.Tier.KEY_USER and issue.status != Status.NEW:
                moment = self._moment(issue, 0.2)
                reason = self.text(("Needs a configuration change.", "需要修改配置。"))
                escalations.append(
                    Escalation(
                        issue=issue,
                        escalated_by=issue.reporter,
                        from_tier=Issue.Tier.KEY_USER,
                        to_tier=issue.tier,
                        reason=reason,
                        escalated_at=moment,
                    )
                )
                events.append(
                    IssueEvent(
                        issue=issue,
                        actor=issue.reporter,
                        kind=Kind.ESCALATED,
                        field="tier",
                        before=Issue.Tier.KEY_USER,
                        after=issue.tier,
                        note=reason,
                        created_at=moment,
                    )
                )
            path = paths[issue.status]
            for step, (before, after) in enumerate(itertools.pairwise(path), start=1):
                events.append(
                    IssueEvent(
                        issue=issue,
                        actor=worker,
                        kind=Kind.STATUS,
                        field="status",
                        before=before,
                        after=after,
                        note=issue.resolution if after == Status.RESOLVED else "",
                        created_at=self._moment(issue, step / len(path)),
                    )
                )
            count = (
                min(int(self.rng.expovariate(1 / self.size.comments_per_issue)), 8) if issue.status != Status.NEW else 0
            )
            for index in range(count):
                author = (issue.reporter, worker)[index % 2]
                moment = self._moment(issue, self.rng.uniform(0.05, 0.95))
                comments.append(Comment(issue=issue, author=author, body=self.rng.choice(COMMENTS), created_at=moment))
                events.append(IssueEvent(issue=issue, actor=author, kind=Kind.COMMENTED, created_at=moment))
            if issue.status != Status.NEW and self.rng.random() < 0.03:
                self._alternatives(issue, worker, options, decisions, events)
            breaches += self._breaches(issue, events)
        _with_history(Comment, comments, dated=lambda comment: comment.created_at)
        _with_history(SolutionOption, options, dated=lambda option: option.created_at)
        Decision.objects.bulk_create(decisions, batch_size=BATCH)
        Escalation.objects.bulk_create(escalations, batch_size=BATCH)
        SlaBreach.objects.bulk_create(breaches, batch_size=BATCH)
        IssueEvent.objects.bulk_create(events, batch_size=BATCH)

    def _breaches(self, issue: Issue, events: list) -> list[SlaBreach]:
        """The breaches of an overdue issue, recorded (and announced) when they happened: the sweep on
        Celery beat has nothing left to announce."""
        if not issue.is_overdue:
            return []
        due = {SlaBreach.Kind.RESOLVE: issue.resolve_due}
        if issue.first_response_at is None and issue.respond_due < self.now:
            due[SlaBreach.Kind.RESPOND] = issue.respond_due
        breaches = []
        for kind, due_at in due.items():
            if due_at < self.now:
                detected = min(due_at + datetime.timedelta(minutes=5), self.now)
                breaches.append(
                    SlaBreach(
                        issue=issue,
                        kind=kind,
                        clock_started_at=issue.sla_started_at,
                        due_at=due_at,
                        detected_at=detected,
                    )
                )
                events.append(
                    IssueEvent(
                        issue=issue,
                        kind=IssueEvent.Kind.SLA_BREACHED,
                        field=f"{kind}_due",
                        after=due_at.isoformat(),
                        created_at=detected,
                    )
                )
        return breaches

    def _alternatives(self, issue: Issue, worker: Membership, options: list, decisions: list, events: list) -> None:
        """Two ways to solve the issue, the Key User's recommendation and, once settled, the decision."""
        Kind = IssueEvent.Kind
        proposed = [
            SolutionOption(
                issue=issue,
                author=worker,
                summary=self.text(summary),
                pros=self.text(pros),
                cons=self.text(cons),
                effort=effort,
                risk=risk,
                recommended=index == 0,
                created_at=self._moment(issue, 0.3 + index / 10),
            )
            for index, (summary, pros, cons, effort, risk) in enumerate(ALTERNATIVES)
        ]
        options += proposed
        events += [
            IssueEvent(issue=issue, actor=worker, kind=Kind.OPTION_ADDED, after=o.summary, created_at=o.created_at)
            for o in proposed
        ]
        events.append(
            IssueEvent(
                issue=issue,
                actor=worker,
                kind=Kind.RECOMMENDED,
                after=proposed[0].summary,
                created_at=self._moment(issue, 0.5),
            )
        )
        if issue.status in (Status.RESOLVED, Status.CLOSED):
            proposed[0].chosen = True
            moment = self._moment(issue, 0.6)
            consultant = self.people[Role.APP_CONSULTANT][0]
            reason = self.text(("Least effort before go-live.", "上线前工作量最小。"))
            decisions.append(
                Decision(issue=issue, option=proposed[0], decided_by=consultant, reason=reason, decided_at=moment)
            )
            events.append(
                IssueEvent(
                    issue=issue,
                    actor=consultant,
                    kind=Kind.DECIDED,
                    after=proposed[0].summary,
                    note=reason,
                    created_at=moment,
                )
            )

    # --- acceptance tests ------------------------------------------------------------------------------

    def _acceptance(self) -> None:
        scenarios, steps_of = self._scenarios()
        sit, uat, regression = self._cycles()
        _with_history(
            CycleScenario, [CycleScenario(cycle=c, scenario=s) for c in (sit, uat, regression) for s in scenarios]
        )
        passed = self._runs(scenarios, steps_of, sit, uat)
        self._sign_offs(scenarios, passed, sit, uat)

    def _scenarios(self) -> tuple[list[TestScenario], dict[int, list[TestStep]]]:
        """Every module's scenarios, and their steps by scenario id."""
        size = self.size
        scenarios, steps = [], []
        for staff in self.staff:
            prefix = staff.module.code.upper()
            for index in range(1, size.scenarios_per_module + 1):
                scenario = TestScenario(
                    project=self.project,
                    module=staff.module,
                    reference=f"{prefix}-{index * 10:03d}",
                    title=f"{staff.module.name} · {self.text(('scenario', '场景'))} {index}",
                    business_process=self.text(("Record to report", "记录到报告")),
                    owner=staff.key_users[0],
                    priority=self.rng.choice(TestScenario.Priority.values),
                )
                scenarios.append(scenario)
        scenarios = _with_history(TestScenario, scenarios)
        for scenario in scenarios:
            for order in range(1, size.steps_per_scenario + 1):
                action, expected = STEP_ACTIONS[(order - 1) % len(STEP_ACTIONS)]
                steps.append(TestStep(scenario=scenario, order=order, action=action, expected_result=expected))
        steps = _with_history(TestStep, steps)
        steps_of: dict[int, list[TestStep]] = {}
        for step in steps:
            steps_of.setdefault(step.scenario_id, []).append(step)
        return scenarios, steps_of

    def _cycles(self) -> list[TestCycle]:
        """SIT (over), UAT (under way) and regression (ahead)."""
        return _with_history(
            TestCycle,
            [
                TestCycle(
                    project=self.project,
                    kind=TestCycle.Kind.SIT,
                    name="SIT",
                    start_date=self.today - datetime.timedelta(days=60),
                    end_date=self.today - datetime.timedelta(days=40),
                ),
                TestCycle(
                    project=self.project,
                    kind=TestCycle.Kind.UAT,
                    name="UAT",
                    start_date=self.today - datetime.timedelta(days=10),
                    end_date=self.today + datetime.timedelta(days=14),
                ),
                TestCycle(
                    project=self.project,
                    kind=TestCycle.Kind.REGRESSION,
                    name=self.text(("Regression", "回归测试")),
                    start_date=self.today + datetime.timedelta(days=20),
                    end_date=self.today + datetime.timedelta(days=30),
                ),
            ],
        )

    def _runs(self, scenarios, steps_of, sit, uat) -> dict[tuple[int, int], bool]:
        """Every scenario's runs in SIT (some failed once first) and in UAT (most); returns whether each
        (cycle id, scenario id) passed."""
        staff_of = {staff.module.pk: staff for staff in self.staff}
        defects = self._open_defects()
        runs, results, passed = [], [], {}
        for scenario in scenarios:
            staff = staff_of[scenario.module_id]
            plans = [(sit, Result.FAILED), (sit, Result.PASSED)] if self.rng.random() < 0.1 else [(sit, Result.PASSED)]
            if self.rng.random() < 0.65:
                outcome = self.rng.choices(
                    [Result.PASSED, Result.FAILED, Result.BLOCKED, Result.NOT_RUN], weights=(75, 12, 5, 8)
                )[0]
                plans.append((uat, outcome))
            for cycle, outcome in plans:
                run, run_results = self._run(cycle, scenario, staff, outcome, steps_of[scenario.pk], defects)
                runs.append(run)
                results.append(run_results)
                passed[(cycle.pk, scenario.pk)] = outcome == Result.PASSED
        runs = _with_history(TestRun, runs, dated=lambda run: run.started_at)
        for run, run_results in zip(runs, results, strict=True):
            for result in run_results:
                result.run = run
        _with_history(
            StepResult, [r for run_results in results for r in run_results], dated=lambda r: r.recorded_at or self.now
        )
        return passed

    def _sign_offs(self, scenarios, passed, sit, uat) -> None:
        """Most modules whose scenarios all passed a cycle are signed off in it."""
        sign_offs = []
        for staff in self.staff:
            module_scenarios = [s for s in scenarios if s.module_id == staff.module.pk]
            for cycle in (sit, uat):
                if all(passed.get((cycle.pk, s.pk)) for s in module_scenarios) and self.rng.random() < 0.8:
                    sign_offs.append(
                        ModuleSignOff(
                            cycle=cycle,
                            module=staff.module,
                            signed_by=staff.key_users[0],
                            signed_at=self.at(-1 if cycle == uat else -40),
                        )
                    )
        _with_history(ModuleSignOff, sign_offs, dated=lambda sign_off: sign_off.signed_at)

    def _open_defects(self) -> dict[int, list[Issue]]:
        """Open defects per module, to link from failed steps."""
        defects: dict[int, list[Issue]] = {}
        for issue in (
            Issue.objects.filter(project=self.project, category=Issue.Category.DEFECT).open().only("pk", "module_id")
        ):
            defects.setdefault(issue.module_id, []).append(issue)
        return defects

    def _run(self, cycle, scenario, staff, outcome, steps, defects) -> tuple[TestRun, list[StepResult]]:
        started = self.at((cycle.start_date - self.today).days + self.rng.uniform(0, 5), 10)
        started = min(started, self.now)
        tester = self.rng.choice(staff.end_users) if staff.end_users and self.rng.random() < 0.3 else staff.key_users[0]
        run = TestRun(cycle=cycle, scenario=scenario, tester=tester, started_by=staff.key_users[0], started_at=started)
        if outcome != Result.NOT_RUN:
            run.result, run.finished_at = outcome, started + datetime.timedelta(hours=2)
        stop = len(steps) if outcome == Result.PASSED else self.rng.randrange(len(steps))
        results = []
        for index, step in enumerate(steps):
            result = StepResult(step=step, order=step.order, action=step.action, expected_result=step.expected_result)
            if index < stop:
                result.status = Result.PASSED
            elif index == stop and outcome in (Result.FAILED, Result.BLOCKED):
                result.status = outcome
                result.actual_result = self.text(("The system shows an error.", "系统报错。"))
                if outcome == Result.FAILED and defects.get(scenario.module_id):
                    result.defect = self.rng.choice(defects[scenario.module_id])
            if result.status != Result.NOT_RUN:
                result.recorded_by, result.recorded_at = tester, started + datetime.timedelta(minutes=15 * (index + 1))
            results.append(result)
        return run, results
