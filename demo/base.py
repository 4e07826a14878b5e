"""The demo rollout: a manufacturing client moving to a new ERP, with people in every role.

Each app adds its part through a `seed(*, demo)` function listed in `seed_demo`'s steps; every step is
idempotent, so running the command twice changes nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import pgettext_lazy

from modules import services as module_services
from modules.catalog import CATALOG_BY_CODE
from modules.models import BusinessModule, Deliverable
from people import services as people_services
from people.models import Membership, User
from projects import services as project_services
from projects.models import Project

DEMO_PASSWORD = "erpteam-demo"
PROJECT_CODE = "hdpm-s4"

Role = Membership.Role

# The departments of PEOPLE and SECOND_PEOPLE, as the client names them in the demo's language.
DEPARTMENTS = {
    "Vendor · Finance & Logistics": pgettext_lazy("department", "Vendor · Finance & Logistics"),
    "Vendor · Technology": pgettext_lazy("department", "Vendor · Technology"),
    "Finance": pgettext_lazy("department", "Finance"),
    "IT": pgettext_lazy("department", "IT"),
    "PMO": pgettext_lazy("department", "PMO"),
    "Warehouse": pgettext_lazy("department", "Warehouse"),
    "Purchasing": pgettext_lazy("department", "Purchasing"),
    "Sales": pgettext_lazy("department", "Sales"),
    "Production": pgettext_lazy("department", "Production"),
    "Quality": pgettext_lazy("department", "Quality"),
    "Suzhou · Finance": pgettext_lazy("department", "Suzhou · Finance"),
    "Suzhou · Warehouse": pgettext_lazy("department", "Suzhou · Warehouse"),
}

# username, (English name, Chinese name), role, department, modules they own (Key Users) or work in
PEOPLE = [
    ("consultant", ("Anna", "Schmidt"), ("安娜", "施密特"), Role.APP_CONSULTANT, "Vendor · Finance & Logistics", []),
    ("techconsultant", ("Rahul", "Mehta"), ("拉胡尔", "梅塔"), Role.TECH_CONSULTANT, "Vendor · Technology", []),
    ("keyuser", ("Wei", "Li"), ("伟", "李"), Role.KEY_USER, "Finance", ["fin-gl", "fin-ap"]),
    ("ituser", ("Jun", "Zhao"), ("军", "赵"), Role.IT_USER, "IT", []),
    ("enduser", ("Mei", "Chen"), ("梅", "陈"), Role.END_USER, "Finance", ["fin-gl", "fin-ap"]),
    ("manager", ("Hong", "Wang"), ("红", "王"), Role.MANAGER, "PMO", []),
    ("ku.zhang", ("Min", "Zhang"), ("敏", "张"), Role.KEY_USER, "Warehouse", ["wm"]),
    ("ku.liu", ("Yang", "Liu"), ("洋", "刘"), Role.KEY_USER, "Purchasing", ["mm-pur", "wm"]),
    ("ku.huang", ("Lei", "Huang"), ("磊", "黄"), Role.KEY_USER, "Sales", ["sd", "fin-ar"]),
    ("ku.zhou", ("Jing", "Zhou"), ("静", "周"), Role.KEY_USER, "Production", ["pp"]),
    ("ku.wu", ("Fang", "Wu"), ("芳", "吴"), Role.KEY_USER, "Finance", ["fin-gl", "co"]),
    ("ku.sun", ("Tao", "Sun"), ("涛", "孙"), Role.KEY_USER, "Quality", ["qm"]),
    ("eu.xu", ("Qiang", "Xu"), ("强", "徐"), Role.END_USER, "Warehouse", ["wm"]),
    ("eu.ma", ("Li", "Ma"), ("丽", "马"), Role.END_USER, "Warehouse", ["wm"]),
    ("eu.hu", ("Bin", "Hu"), ("斌", "胡"), Role.END_USER, "Purchasing", ["mm-pur"]),
    ("eu.guo", ("Ying", "Guo"), ("颖", "郭"), Role.END_USER, "Purchasing", ["mm-pur"]),
    ("eu.he", ("Jie", "He"), ("杰", "何"), Role.END_USER, "Sales", ["sd"]),
    ("eu.lin", ("Xia", "Lin"), ("霞", "林"), Role.END_USER, "Sales", ["sd", "fin-ar"]),
    ("eu.luo", ("Hao", "Luo"), ("浩", "罗"), Role.END_USER, "Production", ["pp"]),
    ("eu.gao", ("Yan", "Gao"), ("燕", "高"), Role.END_USER, "Production", ["pp", "qm"]),
    ("eu.zheng", ("Peng", "Zheng"), ("鹏", "郑"), Role.END_USER, "Finance", ["co", "fin-gl"]),
    ("eu.liang", ("Na", "Liang"), ("娜", "梁"), Role.END_USER, "Quality", ["qm"]),
]

NEWCOMER = "eu.fan"

MODULES = ["fin-gl", "fin-ap", "fin-ar", "co", "wm", "mm-pur", "sd", "pp", "qm"]


@dataclass
class Demo:
    """What the steps share: the project, its members by username and its modules by code."""

    project: Project
    lang: str
    members: dict[str, Membership] = field(default_factory=dict)
    modules: dict[str, BusinessModule] = field(default_factory=dict)
    today: datetime.date = field(default_factory=timezone.localdate)

    def module_people(self, code: str, role: str) -> list[Membership]:
        return [
            self.members[username]
            for username, _en, _zh, person_role, _dept, codes in PEOPLE
            if person_role == role and code in codes
        ]


def _account(username: str, names: tuple[str, str], email_domain: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = people_services.user_create(
            username=username,
            email=f"{username}@{email_domain}",
            first_name=names[0],
            last_name=names[1],
            password=DEMO_PASSWORD,
        )
    return user


def seed_team(*, lang: str) -> Demo:
    """The project, its people in every role, its modules from the catalog with their Key Users."""
    today = timezone.localdate()
    chinese = lang == "zh-hans"
    project, _created = Project.objects.get_or_create(
        code=PROJECT_CODE,
        defaults={
            "name": "华东精密机械 S/4HANA 上线" if chinese else "Huadong Precision S/4HANA rollout",
            "client": "华东精密机械有限公司" if chinese else "Huadong Precision Machinery Co., Ltd.",
            "erp_product": "SAP S/4HANA 2023",
            "phase": Project.Phase.REALIZE,
            "start_date": today - datetime.timedelta(days=150),
            "target_go_live": today + datetime.timedelta(days=45),
        },
    )
    demo = Demo(project=project, lang=lang)
    for username, en, zh, role, department, _codes in PEOPLE:
        # Chinese names are written family name first, as one name.
        names = (zh[1] + zh[0], "") if chinese else en
        domain = "vendor.example.com" if role in (Role.APP_CONSULTANT, Role.TECH_CONSULTANT) else "hdpm.example.cn"
        user = _account(username, names, domain)
        membership = Membership.objects.filter(project=project, user=user).first()
        if membership is None:
            membership = people_services.membership_create(
                project=project, user=user, role=role, department=str(DEPARTMENTS[department])
            )
        demo.members[username] = membership
    for code in MODULES:
        module = BusinessModule.objects.filter(project=project, code=code).first()
        if module is None:
            entry = CATALOG_BY_CODE[code]
            module = module_services.module_create(
                project=project,
                code=code,
                name=str(entry.name),
                description=str(entry.description),
                key_users=demo.module_people(code, Role.KEY_USER),
            )
        demo.modules[code] = module
    if not User.objects.filter(username=NEWCOMER).exists():
        # Just added to the team, without a password yet: the roster offers to invite her.
        people_services.person_add(
            project=project,
            role=Role.END_USER,
            department=str(DEPARTMENTS["Warehouse"]),
            username=NEWCOMER,
            email=f"{NEWCOMER}@hdpm.example.cn",
            first_name="范秀英" if chinese else "Xiuying",
            last_name="" if chinese else "Fan",
        )
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@erpteam.local", DEMO_PASSWORD)
    return demo


# The state of each module's standard deliverables, in the list's order (the rest are not started).
S, D, P = Deliverable.Status.SIGNED_OFF, Deliverable.Status.DONE, Deliverable.Status.IN_PROGRESS
DELIVERABLE_STATES = {
    "fin-gl": [S, S, S, D, P],
    "fin-ap": [S, S, D, P],
    "fin-ar": [S, D, P, P],
    "co": [S, P, P],
    "wm": [S, S, D, D, P],
    "mm-pur": [S, D, P],
    "sd": [D, P, P],
    "pp": [P, P],
    "qm": [P],
}

# (from, to, days after the start, English note, Chinese note)
PHASE_HISTORY = [
    ("", Project.Phase.PREPARE, 0, "Kick-off with the client's steering committee.", "与客户指导委员会召开启动会。"),
    (Project.Phase.PREPARE, Project.Phase.EXPLORE, 30, "Scope and team agreed.", "范围与团队已确认。"),
    (
        Project.Phase.EXPLORE,
        Project.Phase.REALIZE,
        85,
        "Fit-to-standard workshops signed off.",
        "标准匹配研讨会已签字确认。",
    ),
]

SECOND_PROJECT_CODE = "hdpm-sz"
# The Suzhou plant follows the first rollout: the same consultant and sponsor; Li Wei, a Key User of
# the first rollout, only uses the system here (roles belong to the membership).
SECOND_PEOPLE = [
    ("consultant", None, None, Role.APP_CONSULTANT, "Vendor · Finance & Logistics", []),
    ("manager", None, None, Role.MANAGER, "PMO", []),
    ("keyuser", None, None, Role.END_USER, "Finance", ["fin-gl"]),
    ("ku.qian", ("Ming", "Qian"), ("明", "钱"), Role.KEY_USER, "Suzhou · Finance", ["fin-gl"]),
    ("ku.tang", ("Hui", "Tang"), ("慧", "唐"), Role.KEY_USER, "Suzhou · Warehouse", ["wm", "pp"]),
    ("eu.song", ("Kai", "Song"), ("凯", "宋"), Role.END_USER, "Suzhou · Warehouse", ["wm"]),
]


def seed_planning(*, demo: Demo) -> None:
    """The plan of the demo rollout: its phase history, end users in their modules, deliverables in
    various states; and a second, smaller rollout of the same client in an earlier phase."""
    project = demo.project
    consultant = demo.members["consultant"].user
    chinese = demo.lang == "zh-hans"
    if not project.phase_changes.exists():
        for from_phase, to_phase, days, note_en, note_zh in PHASE_HISTORY:
            project_services.phase_change_record(
                project=project,
                from_phase=from_phase,
                to_phase=to_phase,
                changed_at=timezone.make_aware(
                    datetime.datetime.combine(project.start_date + datetime.timedelta(days=days), datetime.time(10))
                ),
                changed_by=consultant,
                note=note_zh if chinese else note_en,
            )
    module_services.module_end_users_add(
        pairs=[
            (demo.modules[code], membership)
            for code in MODULES
            for membership in demo.module_people(code, Role.END_USER)
        ]
    )
    for code, states in DELIVERABLE_STATES.items():
        deliverables = demo.modules[code].deliverables.order_by("position")
        for deliverable, status in zip(deliverables, states, strict=False):
            if deliverable.status != status:
                module_services.deliverable_update(
                    deliverable=deliverable,
                    acting_user=consultant,
                    status=status,
                    owner=deliverable.owner,
                    due_date=deliverable.due_date,
                    note=deliverable.note,
                )
    _seed_second_project(demo=demo)


def _seed_second_project(*, demo: Demo) -> None:
    chinese = demo.lang == "zh-hans"
    project = Project.objects.filter(code=SECOND_PROJECT_CODE).first()
    if project is None:
        project = project_services.project_create(
            created_by=demo.members["consultant"].user,
            code=SECOND_PROJECT_CODE,
            name="华东精密机械 苏州工厂上线" if chinese else "Huadong Precision Suzhou plant rollout",
            client="华东精密机械有限公司" if chinese else "Huadong Precision Machinery Co., Ltd.",
            erp_product="SAP S/4HANA 2023",
            start_date=demo.today - datetime.timedelta(days=20),
            target_go_live=demo.today + datetime.timedelta(days=200),
        )
        project_services.project_phase_change(
            project=project,
            to_phase=Project.Phase.EXPLORE,
            changed_by=demo.members["consultant"].user,
            note="范围研讨会开始。" if chinese else "Scoping workshops start.",
        )
    members = {}
    for username, en, zh, role, department, _codes in SECOND_PEOPLE:
        user = demo.members[username].user if username in demo.members else None
        if user is None:
            user = _account(username, (zh[1] + zh[0], "") if chinese else en, "hdpm.example.cn")
        membership = Membership.objects.filter(project=project, user=user).first()
        if membership is None:
            membership = people_services.membership_create(
                project=project, user=user, role=role, department=str(DEPARTMENTS[department])
            )
        members[username] = membership
    for code in ("fin-gl", "wm", "pp"):
        if BusinessModule.objects.filter(project=project, code=code).exists():
            continue
        entry = CATALOG_BY_CODE[code]
        module = module_services.module_create(
            project=project,
            code=code,
            name=str(entry.name),
            description=str(entry.description),
            key_users=[
                members[u] for u, _en, _zh, r, _d, codes in SECOND_PEOPLE if r == Role.KEY_USER and code in codes
            ],
        )
        module_services.module_end_users_add(
            pairs=[
                (module, members[u])
                for u, _en, _zh, r, _d, codes in SECOND_PEOPLE
                if r == Role.END_USER and code in codes
            ]
        )
