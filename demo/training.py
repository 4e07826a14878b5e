"""The demo's training: the cascade half-way through.

The consultant has trained most Key Users (Production's came late, so is not certified; Quality,
Controlling and Receivables have no train-the-trainer yet). Key Users have run their first end-user
sessions: General ledger and Sales are fully trained, Warehouse, Purchasing and Quality half (late with a
failed assessment, absent, excused), the other modules not at all. This week and next: `keyuser` gives
Accounts payable to `enduser`, Production has its first session, refreshers and two train-the-trainer
sessions are planned, and one session was cancelled.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from demo.base import Demo
from modules.services import module_end_user_add
from people.models import Membership
from training import services
from training.models import Attendance, TrainingSession

Role = Membership.Role
Kind = TrainingSession.Kind
P, L, A, E = Attendance.Status.PRESENT, Attendance.Status.LATE, Attendance.Status.ABSENT, Attendance.Status.EXCUSED


@dataclass
class Plan:
    """One demo session; `attendance` maps usernames to a status, or (status, assessment passed)."""

    module: str
    kind: str
    trainer: str
    title: tuple[str, str]  # English, Chinese
    days: int  # from today
    start: tuple[int, int]
    hours: float
    place: tuple[str, str]
    invited: list[str] = field(default_factory=list)
    attendance: dict = field(default_factory=dict)
    has_assessment: bool = False
    online: bool = False
    capacity: int = 12
    cancelled: bool = False


ROOM_A = ("Training room 2, Building A", "A 栋 2 号培训室")
ROOM_B = ("Plant 1 meeting room", "一厂会议室")
ONLINE = ("", "")

PLANS = [
    # Train-the-trainer: the consultants prepare the Key Users.
    Plan(
        "fin-gl",
        Kind.TRAIN_THE_TRAINER,
        "consultant",
        ("General ledger for Key Users", "总账关键用户培训"),
        -40,
        (9, 0),
        3,
        ROOM_A,
        attendance={"keyuser": P, "ku.wu": P},
    ),
    Plan(
        "fin-ap",
        Kind.TRAIN_THE_TRAINER,
        "consultant",
        ("Accounts payable for Key Users", "应付账款关键用户培训"),
        -38,
        (13, 30),
        4,
        ROOM_A,
        attendance={"keyuser": P},
    ),
    Plan(
        "wm",
        Kind.TRAIN_THE_TRAINER,
        "consultant",
        ("Warehouse management for Key Users", "仓库管理关键用户培训"),
        -35,
        (9, 0),
        3.5,
        ROOM_B,
        attendance={"ku.zhang": P, "ku.liu": A},
    ),
    Plan(
        "mm-pur",
        Kind.TRAIN_THE_TRAINER,
        "consultant",
        ("Purchasing for Key Users", "采购关键用户培训"),
        -34,
        (13, 30),
        4,
        ROOM_B,
        attendance={"ku.liu": P},
    ),
    Plan(
        "sd",
        Kind.TRAIN_THE_TRAINER,
        "consultant",
        ("Sales and distribution for Key Users", "销售与分销关键用户培训"),
        -30,
        (9, 0),
        6,
        ROOM_A,
        attendance={"ku.huang": P},
    ),
    Plan(
        "pp",
        Kind.TRAIN_THE_TRAINER,
        "techconsultant",
        ("Production planning for Key Users", "生产计划关键用户培训"),
        -28,
        (9, 0),
        6,
        ROOM_B,
        attendance={"ku.zhou": L},
    ),
    # End-user sessions given by the Key Users.
    Plan(
        "fin-gl",
        Kind.END_USER,
        "keyuser",
        ("Journal entries and period close", "凭证录入与期末结账"),
        -14,
        (9, 30),
        3,
        ROOM_A,
        attendance={"enduser": (P, True), "eu.zheng": (P, True)},
        has_assessment=True,
    ),
    Plan(
        "wm",
        Kind.END_USER,
        "ku.zhang",
        ("Goods receipt and stock transfers", "收货与库存转移"),
        -12,
        (14, 0),
        3,
        ROOM_B,
        attendance={"eu.xu": (P, True), "eu.ma": (L, False)},
        has_assessment=True,
    ),
    Plan(
        "mm-pur",
        Kind.END_USER,
        "ku.liu",
        ("From purchase requisition to purchase order", "从采购申请到采购订单"),
        -10,
        (9, 30),
        3,
        ROOM_B,
        attendance={"eu.hu": P, "eu.guo": A},
    ),
    Plan(
        "sd",
        Kind.END_USER,
        "ku.huang",
        ("Sales orders and deliveries", "销售订单与交货"),
        -9,
        (9, 30),
        3,
        ROOM_A,
        attendance={"eu.he": L, "eu.lin": P},
    ),
    Plan(
        "qm",
        Kind.END_USER,
        "ku.sun",
        ("Quality inspections at goods receipt", "收货质量检验"),
        -7,
        (14, 0),
        2,
        ROOM_B,
        attendance={"eu.liang": E, "eu.gao": P},
    ),
    # This week and next.
    Plan(
        "fin-ap",
        Kind.END_USER,
        "keyuser",
        ("Invoice verification and the payment run", "发票校验与付款运行"),
        2,
        (9, 30),
        2.5,
        ROOM_A,
        invited=["enduser"],
        has_assessment=True,
        capacity=10,
    ),
    Plan(
        "pp",
        Kind.END_USER,
        "ku.zhou",
        ("Production orders and confirmations", "生产订单与报工"),
        3,
        (14, 0),
        3,
        ROOM_B,
        invited=["eu.luo", "eu.gao"],
    ),
    Plan(
        "wm",
        Kind.END_USER,
        "ku.zhang",
        ("Physical inventory counting", "库存盘点"),
        5,
        (9, 30),
        2,
        ROOM_B,
        invited=["eu.xu", "eu.ma"],
        cancelled=True,
    ),
    Plan(
        "qm",
        Kind.TRAIN_THE_TRAINER,
        "consultant",
        ("Quality management for Key Users", "质量管理关键用户培训"),
        7,
        (9, 0),
        6,
        ONLINE,
        invited=["ku.sun"],
        online=True,
    ),
    Plan(
        "mm-pur",
        Kind.REFRESHER,
        "ku.liu",
        ("Refresher: purchase orders", "复训：采购订单"),
        8,
        (10, 0),
        1.5,
        ROOM_B,
        invited=["eu.guo"],
    ),
    Plan(
        "wm",
        Kind.REFRESHER,
        "ku.zhang",
        ("Refresher: goods receipt", "复训：收货"),
        9,
        (14, 0),
        1.5,
        ROOM_B,
        invited=["eu.ma"],
        has_assessment=True,
    ),
    Plan(
        "fin-ar",
        Kind.TRAIN_THE_TRAINER,
        "consultant",
        ("Accounts receivable for Key Users", "应收账款关键用户培训"),
        10,
        (9, 0),
        4,
        ROOM_A,
        invited=["ku.huang"],
    ),
]


def _text(demo: Demo, pair: tuple[str, str]) -> str:
    return pair[1] if demo.lang == "zh-hans" else pair[0]


def _workday(today: datetime.date, days: int) -> datetime.date:
    """`days` from today, moved off the weekend (away from today: the past stays past, the future future)."""
    day = today + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1 if days > 0 else -1)
    return day


def _session(demo: Demo, plan: Plan) -> TrainingSession:
    module = demo.modules[plan.module]
    title = _text(demo, plan.title)
    session = TrainingSession.objects.filter(module=module, title=title).first()
    if session is not None:
        return session
    start = timezone.make_aware(datetime.datetime.combine(_workday(demo.today, plan.days), datetime.time(*plan.start)))
    session = services.session_create(
        module=module,
        kind=plan.kind,
        title=title,
        trainer=demo.members[plan.trainer],
        start_at=start,
        end_at=start + datetime.timedelta(hours=plan.hours),
        capacity=plan.capacity,
        place=_text(demo, plan.place),
        online_link="https://meet.hdpm.example.cn/erp-training" if plan.online else "",
        has_assessment=plan.has_assessment,
        created_by=demo.members[plan.trainer].user,
    )
    people = [demo.members[username] for username in [*plan.invited, *plan.attendance]]
    services.attendees_invite(session=session, memberships=people)
    if plan.attendance:
        by_person = {a.membership_id: a.pk for a in session.attendances.all()}
        marks = {}
        for username, mark in plan.attendance.items():
            status, passed = mark if isinstance(mark, tuple) else (mark, None)
            marks[by_person[demo.members[username].pk]] = (status, passed)
        services.attendance_record(session=session, marks=marks, now=session.end_at)
    if plan.cancelled:
        services.session_cancel(session=session)
    return session


def seed(*, demo: Demo) -> None:
    """The demo's sessions and attendance; each module's end users first (idempotent)."""
    for code, module in demo.modules.items():
        for membership in demo.module_people(code, Role.END_USER):
            module_end_user_add(module=module, membership=membership)
    for plan in PLANS:
        _session(demo, plan)
