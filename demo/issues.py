"""The demo's issues: end users' problems across the modules, in every status and severity.

Warehouse has open go-live blockers (not ready); Controlling, Quality and Receivables have only
settled issues (clean); Purchasing has a cluster of open training gaps (a refresher is suggested).
`keyuser` logged a defect for `enduser`, proposed two alternatives and escalated it; `consultant`
decided and resolved it.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from demo.base import Demo
from issues import services
from issues.models import Issue

C = Issue.Category
S = Issue.Severity
ST = Issue.Status
T = Issue.Tier


@dataclass
class Story:
    """One demo issue and what happened to it, in order."""

    module: str
    reporter: str
    title: tuple[str, str]  # English, Chinese
    description: tuple[str, str]
    category: str
    severity: str
    hours_ago: float
    affected: str | None = None
    blocks: bool = False
    steps: list[tuple] = field(default_factory=list)


def _text(demo: Demo, pair) -> str:
    return pair[1] if demo.lang == "zh-hans" else pair[0]


STORIES = [
    Story(
        "fin-ap",
        "keyuser",
        ("Withholding tax on vendor invoices posts to the wrong G/L account", "供应商发票代扣税过账到错误的总账科目"),
        (
            "Mei entered invoice 5100000231 with withholding tax code W1; the tax line went to 2221-01 instead of "
            "2221-05. Happens for every vendor with a foreign bank.",
            "梅录入发票 5100000231（代扣税代码 W1），税行过账到 2221-01 而不是 2221-05。所有境外银行的供应商都会出现。",
        ),
        C.DEFECT,
        S.S2,
        30,
        affected="enduser",
        blocks=True,
        steps=[
            ("assign", "keyuser", "keyuser"),
            ("transition", "keyuser", ST.TRIAGED),
            (
                "option",
                "keyuser",
                ("Correct the account determination for W1 (OBWW)", "修正 W1 的科目确定（OBWW）"),
                ("Fixes all future postings; standard configuration.", "一次修正所有后续过账；标准配置。"),
                ("Needs a transport and a retest of the AP cycle.", "需要传输并重新测试应付流程。"),
                "low",
                "low",
            ),
            (
                "option",
                "keyuser",
                ("Book a monthly reclassification entry", "每月做一笔重分类凭证"),
                ("No system change before go-live.", "上线前无需改系统。"),
                ("Manual work every month; auditors will ask.", "每月手工操作；审计会问。"),
                "medium",
                "medium",
            ),
            ("recommend", "keyuser", 0),
            (
                "comment",
                "keyuser",
                (
                    "Option 1 is cleaner; I need the consultant to confirm the W1 setup.",
                    "方案一更干净；需要顾问确认 W1 的配置。",
                ),
            ),
            (
                "escalate",
                "keyuser",
                T.CONSULTANT,
                "consultant",
                (
                    "Tax account determination is configuration; outside what a Key User can change.",
                    "税务科目确定属于配置，超出关键用户的权限。",
                ),
            ),
            (
                "comment",
                "consultant",
                (
                    "Confirmed: W1 points to the domestic account. Fixing in DEV now.",
                    "确认：W1 指向了国内科目。正在开发环境修正。",
                ),
            ),
            (
                "decide",
                "consultant",
                0,
                ("Standard fix, one transport, no monthly manual work.", "标准修正，一次传输，无需每月手工处理。"),
            ),
            ("transition", "consultant", ST.IN_PROGRESS),
            (
                "resolve",
                "consultant",
                (
                    "Account determination for W1 corrected (transport DS4K900231); "
                    "invoice 5100000231 reversed and re-posted.",
                    "已修正 W1 的科目确定（传输 DS4K900231）；发票 5100000231 已冲销并重新过账。",
                ),
            ),
        ],
    ),
    Story(
        "fin-ap",
        "keyuser",
        ("Payment proposal skips vendors with blocked bank details", "付款建议跳过银行信息被冻结的供应商"),
        (
            "Twelve vendors are missing from the F110 proposal. Their bank details are flagged for review.",
            "F110 付款建议中缺少 12 家供应商，它们的银行信息被标记为待审核。",
        ),
        C.MASTER_DATA,
        S.S3,
        20,
        affected="enduser",
        steps=[
            ("transition", "keyuser", ST.TRIAGED),
            ("transition", "keyuser", ST.IN_PROGRESS),
            (
                "wait",
                "keyuser",
                "enduser",
                ("Which of the twelve vendors were paid last month?", "这 12 家供应商上月付过款的有哪些？"),
            ),
        ],
    ),
    Story(
        "fin-gl",
        "enduser",
        ("How do I reverse a journal entry?", "如何冲销一笔总账凭证？"),
        (
            "I posted a journal entry to the wrong cost center and cannot find how to reverse it.",
            "我把一笔凭证记到了错误的成本中心，找不到冲销的方法。",
        ),
        C.QUESTION,
        S.S4,
        50,
        steps=[
            ("update", "keyuser", {"category": C.TRAINING_GAP}),
            ("transition", "keyuser", ST.TRIAGED),
            (
                "comment",
                "keyuser",
                ("Use FB08 with reason 01; I showed you at your desk.", "使用 FB08，冲销原因 01；已当面演示。"),
            ),
            (
                "resolve",
                "keyuser",
                ("Explained FB08; added to the end-user FAQ.", "已讲解 FB08，并加入最终用户常见问题。"),
            ),
            ("transition", "keyuser", ST.CLOSED),
        ],
    ),
    Story(
        "fin-gl",
        "ku.wu",
        (
            "Closing cockpit task list lacks the intercompany reconciliation step",
            "结账驾驶舱任务清单缺少公司间对账步骤",
        ),
        (
            "The month-end template has no task for intercompany reconciliation between 1000 and 2000.",
            "月结模板中没有 1000 与 2000 公司间对账的任务。",
        ),
        C.CHANGE_REQUEST,
        S.S3,
        10,
        steps=[
            ("transition", "ku.wu", ST.TRIAGED),
            ("assign", "ku.wu", "consultant"),
            ("transition", "consultant", ST.IN_PROGRESS),
        ],
    ),
    Story(
        "wm",
        "ku.zhang",
        ("Goods receipt for handling units fails with error LE 102", "处理单位收货报错 LE 102"),
        (
            "At dock 1 every HU-managed goods receipt stops with LE 102; trucks are waiting.",
            "1 号码头所有处理单位管理的收货都报 LE 102，货车在等待。",
        ),
        C.DEFECT,
        S.S1,
        3,
        affected="eu.xu",
        blocks=True,
        steps=[
            ("transition", "ku.zhang", ST.TRIAGED),
            (
                "escalate",
                "ku.zhang",
                T.TECHNICAL,
                "techconsultant",
                (
                    "Looks like a missing packing instruction determination; needs the technical team.",
                    "疑似缺少包装指令确定，需要技术团队处理。",
                ),
            ),
            ("transition", "techconsultant", ST.IN_PROGRESS),
            (
                "comment",
                "techconsultant",
                (
                    "Reproduced in QAS. The HU type is not allowed for storage type 902.",
                    "已在 QAS 复现。902 存储类型不允许该处理单位类型。",
                ),
            ),
        ],
    ),
    Story(
        "wm",
        "ku.liu",
        ("340 storage bins have no capacity data", "340 个仓位没有容量数据"),
        (
            "The bin migration file had empty capacity columns for aisle C and D; putaway strategy cannot work.",
            "C、D 通道的仓位迁移文件容量列为空，上架策略无法运作。",
        ),
        C.MASTER_DATA,
        S.S2,
        140,
        blocks=True,
        steps=[("transition", "ku.liu", ST.TRIAGED), ("assign", "ku.liu", "ku.zhang")],
    ),
    Story(
        "wm",
        "ku.zhang",
        ("RF scanner menu is slow at dock 3", "3 号码头 RF 扫描菜单很慢"),
        ("Scanning takes 5–8 seconds per label on the dock 3 devices.", "3 号码头的设备每扫一个标签要 5–8 秒。"),
        C.QUESTION,
        S.S3,
        2,
        affected="eu.ma",
    ),
    Story(
        "mm-pur",
        "ku.liu",
        ("Buyers do not know how to release purchase requisitions", "采购员不会审批采购申请"),
        (
            "Three buyers asked how to release requisitions above 50,000 CNY.",
            "三位采购员询问如何审批 5 万元以上的采购申请。",
        ),
        C.TRAINING_GAP,
        S.S3,
        20,
        affected="eu.hu",
        steps=[("transition", "ku.liu", ST.TRIAGED)],
    ),
    Story(
        "mm-pur",
        "ku.liu",
        ("Wrong account assignment category on service orders", "服务类采购订单科目分配类别选错"),
        (
            "Service POs are created with category K instead of F, so costs land on the wrong object.",
            "服务采购订单用了 K 而不是 F，成本记到了错误的对象。",
        ),
        C.TRAINING_GAP,
        S.S3,
        16,
        affected="eu.guo",
        steps=[("transition", "ku.liu", ST.TRIAGED), ("transition", "ku.liu", ST.IN_PROGRESS)],
    ),
    Story(
        "mm-pur",
        "ku.liu",
        ("Info record price versus contract price", "信息记录价格与合同价格混淆"),
        ("Buyers are unsure which price the PO takes when both exist.", "两者都存在时，采购员不确定订单取哪个价格。"),
        C.TRAINING_GAP,
        S.S4,
        6,
        affected="eu.hu",
    ),
    Story(
        "mm-pur",
        "ku.liu",
        ("Goods receipts posted against the wrong PO item", "收货过账到错误的订单行项目"),
        ("Receivers pick the first item of multi-line orders.", "收货人员对多行订单总是选第一行。"),
        C.TRAINING_GAP,
        S.S3,
        4,
        affected="eu.guo",
    ),
    Story(
        "sd",
        "ku.huang",
        ("Credit limit check blocks rush orders", "信用额度检查拦截加急订单"),
        (
            "Rush orders of key accounts are blocked every Friday when the credit exposure peaks.",
            "每周五信用敞口达到峰值时，重点客户的加急订单被拦截。",
        ),
        C.CHANGE_REQUEST,
        S.S2,
        8,
        affected="eu.he",
        steps=[
            ("transition", "ku.huang", ST.TRIAGED),
            (
                "option",
                "ku.huang",
                ("Raise the credit limit of the 15 key accounts", "提高 15 家重点客户的信用额度"),
                ("Immediate, no configuration.", "立即生效，无需配置。"),
                ("Higher exposure; finance must approve.", "风险敞口变大；需财务批准。"),
                "low",
                "high",
            ),
            (
                "option",
                "ku.huang",
                ("Rush order type with a release workflow", "加急订单类型加审批流"),
                ("Controlled exceptions with an audit trail.", "例外可控，有审计记录。"),
                ("Two weeks of work; users learn a new order type.", "两周工作量；用户需学习新订单类型。"),
                "high",
                "low",
            ),
            (
                "option",
                "ku.huang",
                ("Credit manager releases blocked orders in VKM3", "信用经理在 VKM3 中放行"),
                ("Standard, available today.", "标准功能，现在可用。"),
                ("Depends on one person on Fridays.", "周五依赖一个人。"),
                "low",
                "medium",
            ),
            ("recommend", "ku.huang", 2),
            (
                "escalate",
                "ku.huang",
                T.CONSULTANT,
                "consultant",
                ("Needs a decision on credit policy before go-live.", "上线前需要对信用政策作出决定。"),
            ),
        ],
    ),
    Story(
        "pp",
        "ku.zhou",
        ("MRP run creates duplicate planned orders", "MRP 运行产生重复的计划订单"),
        (
            "For materials with two production versions, MRP creates a planned order for each.",
            "有两个生产版本的物料，MRP 为每个版本各生成一个计划订单。",
        ),
        C.DEFECT,
        S.S2,
        96,
        affected="eu.luo",
        steps=[
            ("transition", "ku.zhou", ST.TRIAGED),
            ("assign", "ku.zhou", "ituser"),
            ("transition", "ituser", ST.IN_PROGRESS),
            (
                "wait",
                "ituser",
                "techconsultant",
                ("Waiting for the quota arrangement fix from the vendor.", "等待供应商的配额安排修正。"),
            ),
        ],
    ),
    Story(
        "qm",
        "ku.sun",
        ("Inspection lot not created for vendor batches", "供应商批次未生成检验批"),
        ("Goods receipts from vendor 300045 did not create inspection lots.", "供应商 300045 的收货没有生成检验批。"),
        C.DEFECT,
        S.S3,
        120,
        affected="eu.liang",
        steps=[
            ("transition", "ku.sun", ST.TRIAGED),
            ("transition", "ku.sun", ST.IN_PROGRESS),
            (
                "resolve",
                "ku.sun",
                (
                    "Inspection type 01 activated in the material master QM view.",
                    "已在物料主数据 QM 视图激活检验类型 01。",
                ),
            ),
            ("transition", "ku.sun", ST.CLOSED),
        ],
    ),
    Story(
        "co",
        "ku.wu",
        ("Cost center report shows last year's plan", "成本中心报表显示去年的计划"),
        ("S_ALR_87013611 shows the 2024 plan version by default.", "S_ALR_87013611 默认显示 2024 年计划版本。"),
        C.QUESTION,
        S.S4,
        72,
        affected="eu.zheng",
        steps=[
            ("transition", "ku.wu", ST.TRIAGED),
            (
                "resolve",
                "ku.wu",
                (
                    "Set the plan version in the report variant; variant saved for the team.",
                    "在报表变式中设置计划版本，并为团队保存了变式。",
                ),
            ),
        ],
    ),
    Story(
        "fin-ar",
        "ku.huang",
        ("Dunning letter shows the old company logo", "催款函显示旧的公司标志"),
        (
            "The level 2 dunning letter still prints the logo from before the rebranding.",
            "二级催款函仍打印更名前的标志。",
        ),
        C.DEFECT,
        S.S4,
        200,
        affected="eu.lin",
        steps=[
            ("transition", "ku.huang", ST.TRIAGED),
            ("transition", "ku.huang", ST.IN_PROGRESS),
            (
                "resolve",
                "ku.huang",
                (
                    "Logo replaced in the Adobe form; printed a test letter.",
                    "已在 Adobe 表单中更换标志，并打印测试函。",
                ),
            ),
            ("transition", "ku.huang", ST.CLOSED),
        ],
    ),
]


def _play(demo: Demo, issue: Issue, step: tuple) -> Issue:
    kind, who, *args = step
    actor = demo.members[who]
    if kind == "assign":
        return services.issue_assign(issue=issue, assignee=demo.members[args[0]], actor=actor)
    if kind == "transition":
        return services.issue_transition(issue=issue, to_status=args[0], actor=actor)
    if kind == "wait":
        return services.issue_transition(
            issue=issue, to_status=ST.WAITING, actor=actor, waiting_on=demo.members[args[0]], note=_text(demo, args[1])
        )
    if kind == "resolve":
        return services.issue_transition(
            issue=issue, to_status=ST.RESOLVED, actor=actor, resolution=_text(demo, args[0])
        )
    if kind == "update":
        return services.issue_update(issue=issue, actor=actor, **args[0])
    if kind == "escalate":
        to_tier, assignee, reason = args
        return services.issue_escalate(
            issue=issue, to_tier=to_tier, reason=_text(demo, reason), actor=actor, assignee=demo.members[assignee]
        )
    if kind == "comment":
        services.comment_add(issue=issue, author=actor, body=_text(demo, args[0]))
    else:
        _play_solution(demo, issue, kind, actor, args)
    return Issue.objects.get(pk=issue.pk)


def _play_solution(demo: Demo, issue: Issue, kind: str, actor, args: list) -> None:
    """A step of a story's solution: an option proposed, recommended, or decided on."""
    if kind == "option":
        summary, pros, cons, effort, risk = args
        services.solution_option_add(
            issue=issue,
            author=actor,
            summary=_text(demo, summary),
            pros=_text(demo, pros),
            cons=_text(demo, cons),
            effort=effort,
            risk=risk,
        )
    elif kind == "recommend":
        services.solution_option_recommend(option=list(issue.options.all())[args[0]], actor=actor)
    elif kind == "decide":
        option = list(issue.options.all())[args[0]]
        services.issue_decide(issue=issue, option=option, reason=_text(demo, args[1]), actor=actor)


def seed(*, demo: Demo) -> None:
    """Log the demo's issues and play their stories; then flag the SLA breaches. Runs once per project."""
    if Issue.objects.filter(project=demo.project).exists():
        return
    services.sla_policy_get_or_create(project=demo.project)
    now = timezone.now()
    for story in STORIES:
        issue = services.issue_create(
            module=demo.modules[story.module],
            title=_text(demo, story.title),
            description=_text(demo, story.description),
            category=story.category,
            severity=story.severity,
            reporter=demo.members[story.reporter],
            affected_end_user=demo.members[story.affected] if story.affected else None,
            blocks_go_live=story.blocks,
            logged_at=now - datetime.timedelta(hours=story.hours_ago),
        )
        for step in story.steps:
            issue = _play(demo, issue, step)
    services.sla_breaches_record()
