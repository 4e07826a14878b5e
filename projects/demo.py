"""The demo rollout: a manufacturing client moving to a new ERP, with people in every role.

Each app adds its part through a `seed(*, demo)` function listed in `seed_demo`'s steps; every step is
idempotent, so running the command twice changes nothing.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from modules import services as module_services
from modules.catalog import CATALOG_BY_CODE
from modules.models import BusinessModule
from people import services as people_services
from people.models import Membership, User
from projects.models import Project

DEMO_PASSWORD = "erpteam-demo"
PROJECT_CODE = "hdpm-s4"

Role = Membership.Role

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
            membership = people_services.membership_create(project=project, user=user, role=role, department=department)
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
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@erpteam.local", DEMO_PASSWORD)
    return demo
