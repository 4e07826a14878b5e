"""The demo's acceptance tests: test scenarios for every module, a finished system integration test,
a user acceptance test in progress and a regression cycle planned before cutover.

In the UAT, Purchasing, Warehouse and Sales pass and are signed off; Production planning has a failed
run with an open S2 defect and a blocked one; Quality is being tested by an end user. `keyuser` has
Accounts payable and General ledger scenarios not run yet, so they can run one, fail a step, raise the
defect, have `consultant` resolve it, re-run and sign off.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from acceptance import services
from acceptance.models import Result, TestCycle, TestScenario
from demo.base import Demo
from issues import services as issue_services
from issues.models import Issue

P = TestScenario.Priority
R = Result


@dataclass
class Script:
    module: str
    reference: str
    title: tuple[str, str]  # English, Chinese
    process: tuple[str, str]
    touches: tuple[str, ...]
    priority: str
    steps: tuple[tuple[tuple[str, str], tuple[str, str]], ...]  # (action, expected result)


P2P = ("Procure to pay", "采购到付款")
O2C = ("Order to cash", "订单到收款")
R2R = ("Record to report", "记录到报告")
P2M = ("Plan to produce", "计划到生产")

SCRIPTS = [
    Script(
        "fin-ap",
        "AP-010",
        ("Three-way match and payment of a supplier invoice", "供应商发票三单匹配并付款"),
        (
            "Purchase order → goods receipt → supplier invoice → payment",
            "采购订单 → 收货 → 供应商发票 → 付款",
        ),
        ("mm-pur", "wm"),
        P.HIGH,
        (
            (
                (
                    "Create a purchase order for 100 pcs of bearing 6204 from Ningbo Bearings at 12.50 CNY (ME21N).",
                    "在 ME21N 为宁波轴承创建采购订单：轴承 6204，100 件，单价 12.50 元。",
                ),
                ("The order is saved with a 45… number and released.", "订单以 45 开头的编号保存并已审批。"),
            ),
            (
                ("Post the goods receipt of the 100 pcs against the order (MIGO).", "在 MIGO 按订单收货 100 件。"),
                (
                    "A material document is posted; stock in plant 1000 rises by 100; GR/IR is credited.",
                    "生成物料凭证；1000 工厂库存增加 100；GR/IR 科目贷记。",
                ),
            ),
            (
                (
                    "Enter the supplier invoice, 1,250.00 CNY plus 13 % VAT, referencing the order (MIRO).",
                    "在 MIRO 参照订单录入发票：1,250.00 元加 13% 增值税。",
                ),
                (
                    "The invoice matches order and receipt without variance and posts; input VAT is 162.50.",
                    "发票与订单、收货匹配无差异并过账；进项税 162.50 元。",
                ),
            ),
            (
                ("Run the payment proposal for invoices due this week (F110).", "在 F110 为本周到期发票运行付款建议。"),
                (
                    "The invoice is proposed with the supplier's bank account.",
                    "发票出现在付款建议中，带供应商银行账户。",
                ),
            ),
            (
                ("Execute the payment run and create the bank file.", "执行付款运行并生成银行文件。"),
                (
                    "The payment posts, the supplier's open item is cleared and the bank file is created.",
                    "付款过账，供应商未清项清账，生成银行文件。",
                ),
            ),
        ),
    ),
    Script(
        "fin-ap",
        "AP-020",
        ("Invoice with a price variance is blocked for payment", "价格差异发票被冻结付款"),
        ("Supplier invoice → tolerance check → release", "供应商发票 → 容差检查 → 解冻"),
        ("mm-pur",),
        P.HIGH,
        (
            (
                (
                    "Enter an invoice for order 4500000112 at 14.00 CNY per piece instead of 12.50 (MIRO).",
                    "在 MIRO 为订单 4500000112 录入发票，单价 14.00 元而非 12.50 元。",
                ),
                (
                    "The invoice posts with payment block R (price variance above 5 %).",
                    "发票过账并带付款冻结 R（价格差异超过 5%）。",
                ),
            ),
            (
                ("Run the payment proposal (F110).", "运行付款建议（F110）。"),
                ("The blocked invoice is listed as an exception, not paid.", "被冻结的发票列为例外，不付款。"),
            ),
            (
                ("Release the invoice after the buyer's approval (MRBR).", "采购员批准后在 MRBR 解冻发票。"),
                ("The block is removed and the invoice is due in the next run.", "冻结解除，发票进入下一次付款。"),
            ),
        ),
    ),
    Script(
        "fin-ap",
        "AP-030",
        ("Withholding tax on a foreign supplier's invoice", "境外供应商发票的代扣税"),
        P2P,
        (),
        P.MEDIUM,
        (
            (
                (
                    "Enter an invoice from Keller GmbH, 8,000.00 EUR, withholding tax code W1 (FB60).",
                    "在 FB60 录入 Keller GmbH 发票 8,000.00 欧元，代扣税代码 W1。",
                ),
                ("The withholding tax line is calculated at 10 %.", "代扣税行按 10% 计算。"),
            ),
            (
                ("Display the document and its G/L lines (FB03).", "在 FB03 显示凭证及总账行。"),
                ("The tax line posts to account 2221-05.", "税行过账到 2221-05 科目。"),
            ),
            (
                ("Pay the net amount in the payment run (F110).", "在付款运行中支付净额（F110）。"),
                (
                    "7,200.00 EUR is paid; the withholding tax stays open for the tax office.",
                    "支付 7,200.00 欧元；代扣税留待向税务局缴纳。",
                ),
            ),
        ),
    ),
    Script(
        "fin-gl",
        "GL-010",
        ("Month-end close", "月末结账"),
        R2R,
        ("co", "fin-ap", "fin-ar"),
        P.HIGH,
        (
            (
                (
                    "Post the accrual for unbilled freight, 35,000.00 CNY (FBS1).",
                    "在 FBS1 计提未开票运费 35,000.00 元。",
                ),
                ("The accrual posts with an automatic reversal on the 1st.", "计提过账，并于下月 1 日自动冲回。"),
            ),
            (
                ("Run the foreign currency revaluation of open items (FAGL_FCV).", "运行外币未清项重估（FAGL_FCV）。"),
                ("EUR and USD items are revalued at the month-end rate.", "欧元和美元未清项按月末汇率重估。"),
            ),
            (
                ("Close the posting period for accounts type + (OB52).", "在 OB52 关闭本期过账期间。"),
                ("Postings into the closed period are refused.", "向已关闭期间过账被拒绝。"),
            ),
            (
                ("Run the trial balance for company 1000 (F.01).", "运行 1000 公司试算平衡表（F.01）。"),
                ("Debits equal credits; the balance sheet and P&L balance.", "借贷相等；资产负债表和损益表平衡。"),
            ),
        ),
    ),
    Script(
        "fin-gl",
        "GL-020",
        ("Manual journal entry with approval", "手工凭证审批"),
        R2R,
        (),
        P.MEDIUM,
        (
            (
                (
                    "Park a manual journal entry reclassing 12,000.00 CNY between cost centres (FV50).",
                    "在 FV50 预制一笔在成本中心间重分类 12,000.00 元的凭证。",
                ),
                ("The entry is parked and sent to the approver's inbox.", "凭证已预制并发送到审批人待办。"),
            ),
            (
                ("Approve the entry as the finance manager.", "以财务经理身份审批该凭证。"),
                ("The entry posts; the parked document is gone.", "凭证过账；预制凭证消失。"),
            ),
            (
                (
                    "Try to post an entry above 500,000.00 CNY without approval.",
                    "尝试不经审批过账超过 500,000.00 元的凭证。",
                ),
                ("Posting is refused with the approval message.", "过账被拒绝并提示需要审批。"),
            ),
        ),
    ),
    Script(
        "mm-pur",
        "PUR-010",
        ("Purchase requisition to purchase order", "采购申请转采购订单"),
        P2P,
        ("wm",),
        P.HIGH,
        (
            (
                (
                    "Create a purchase requisition for 500 kg of steel Q235 (ME51N).",
                    "在 ME51N 创建采购申请：Q235 钢材 500 公斤。",
                ),
                ("The requisition is saved and waits for release.", "采购申请已保存并等待审批。"),
            ),
            (
                ("Release the requisition as the purchasing manager (ME54N).", "以采购经理身份在 ME54N 审批。"),
                ("The release strategy accepts it.", "审批策略通过。"),
            ),
            (
                (
                    "Convert it into a purchase order with the contract price (ME21N).",
                    "参照合同价格转为采购订单（ME21N）。",
                ),
                (
                    "The order takes the contract price and the supplier from the source list.",
                    "订单带出合同价格和货源清单中的供应商。",
                ),
            ),
        ),
    ),
    Script(
        "mm-pur",
        "PUR-020",
        ("Release from a scheduling agreement", "计划协议下达"),
        P2P,
        ("pp",),
        P.MEDIUM,
        (
            (
                ("Run MRP for castings with a scheduling agreement (MD01N).", "为有计划协议的铸件运行 MRP（MD01N）。"),
                ("Schedule lines are created instead of requisitions.", "生成计划行而不是采购申请。"),
            ),
            (
                ("Transmit the delivery schedule to the supplier (ME84).", "向供应商发送交货计划（ME84）。"),
                ("The release is sent by EDI with the right dates.", "交货计划通过 EDI 发出，日期正确。"),
            ),
        ),
    ),
    Script(
        "wm",
        "WM-010",
        ("Goods receipt and putaway to bin", "收货并上架到库位"),
        P2P,
        ("mm-pur",),
        P.HIGH,
        (
            (
                (
                    "Post the goods receipt of 20 pallets against inbound delivery 180000231.",
                    "按内向交货单 180000231 收货 20 托。",
                ),
                ("Putaway tasks are created for the 20 pallets.", "为 20 托生成上架任务。"),
            ),
            (
                ("Confirm the putaway tasks on the RF scanner.", "在 RF 扫描枪上确认上架任务。"),
                ("Stock shows in bins of storage type 001.", "库存显示在 001 存储类型的库位中。"),
            ),
        ),
    ),
    Script(
        "wm",
        "WM-020",
        ("Physical inventory count and difference posting", "盘点及差异过账"),
        R2R,
        ("fin-gl",),
        P.MEDIUM,
        (
            (
                (
                    "Create a physical inventory document for bins A-01 to A-20 (LX16).",
                    "为 A-01 至 A-20 库位创建盘点凭证（LX16）。",
                ),
                ("The bins are blocked for movements during the count.", "盘点期间库位冻结移动。"),
            ),
            (
                ("Enter the count with two differences (LI11N).", "录入盘点结果，含两处差异（LI11N）。"),
                ("The differences are shown for recount or posting.", "差异显示供复盘或过账。"),
            ),
            (
                ("Post the differences (LI21).", "过账差异（LI21）。"),
                ("Inventory and the inventory-difference account are adjusted.", "库存和盘点差异科目已调整。"),
            ),
        ),
    ),
    Script(
        "sd",
        "SD-010",
        ("Quotation to billing", "报价到开票"),
        (
            "Quotation → sales order → delivery → billing → incoming payment",
            "报价 → 销售订单 → 交货 → 开票 → 收款",
        ),
        ("wm", "fin-ar"),
        P.HIGH,
        (
            (
                (
                    "Create a quotation for 10 gearboxes GB-200 for Jiangnan Machinery (VA21).",
                    "为江南机械创建报价：GB-200 齿轮箱 10 台（VA21）。",
                ),
                (
                    "The quotation takes the customer's price list and a 30-day validity.",
                    "报价带出客户价格表，有效期 30 天。",
                ),
            ),
            (
                ("Create the sales order with reference to the quotation (VA01).", "参照报价创建销售订单（VA01）。"),
                ("The order passes the credit check and confirms a delivery date.", "订单通过信用检查并确认交货日期。"),
            ),
            (
                ("Create and post the outbound delivery (VL01N).", "创建并过账外向交货（VL01N）。"),
                (
                    "Goods issue posts; stock falls by 10; cost of sales is booked.",
                    "发货过账；库存减少 10；记销售成本。",
                ),
            ),
            (
                ("Create the invoice (VF01) and check the accounting document.", "开具发票（VF01）并检查会计凭证。"),
                (
                    "Revenue, output VAT and the receivable post; the golden tax interface gets the invoice.",
                    "收入、销项税和应收账款过账；金税接口收到发票。",
                ),
            ),
        ),
    ),
    Script(
        "sd",
        "SD-020",
        ("Credit block on a sales order", "销售订单信用冻结"),
        O2C,
        ("fin-ar",),
        P.MEDIUM,
        (
            (
                (
                    "Create an order for a customer over their credit limit (VA01).",
                    "为超出信用额度的客户创建订单（VA01）。",
                ),
                ("The order is saved with a credit block.", "订单保存并带信用冻结。"),
            ),
            (
                ("Release the order as credit controller (UKM_CASE).", "以信用控制员身份放行订单（UKM_CASE）。"),
                ("The order can be delivered.", "订单可以交货。"),
            ),
        ),
    ),
    Script(
        "fin-ar",
        "AR-010",
        ("Incoming payment and clearing", "收款及清账"),
        O2C,
        ("sd",),
        P.HIGH,
        (
            (
                (
                    "Import the bank statement with Jiangnan Machinery's payment (FF_5).",
                    "导入含江南机械付款的银行对账单（FF_5）。",
                ),
                ("The payment is matched to the invoice by its number.", "付款按发票号匹配到发票。"),
            ),
            (
                ("Post the statement.", "过账对账单。"),
                ("The customer's open item is cleared; the bank account is debited.", "客户未清项清账；银行科目借记。"),
            ),
        ),
    ),
    Script(
        "pp",
        "PP-010",
        ("From MRP to finished goods", "从 MRP 到成品入库"),
        (
            "MRP → planned order → production order → confirmation → goods receipt",
            "MRP → 计划订单 → 生产订单 → 报工 → 成品入库",
        ),
        ("wm", "co"),
        P.HIGH,
        (
            (
                ("Run MRP for gearbox GB-200 in plant 1000 (MD01N).", "为 1000 工厂 GB-200 齿轮箱运行 MRP（MD01N）。"),
                ("Planned orders cover the sales demand.", "计划订单覆盖销售需求。"),
            ),
            (
                (
                    "Convert the planned order into a production order and release it (CO41).",
                    "将计划订单转为生产订单并下达（CO41）。",
                ),
                ("The order is released with its components reserved.", "订单下达，组件已预留。"),
            ),
            (
                ("Issue the components to the order (MIGO 261).", "向订单发料（MIGO 261）。"),
                ("Components leave stock and are charged to the order.", "组件出库并计入订单成本。"),
            ),
            (
                ("Confirm the final operation for 10 pieces (CO11N).", "确认最后工序完工 10 件（CO11N）。"),
                (
                    "The confirmation posts activities and the goods receipt of 10 gearboxes.",
                    "报工过账作业并自动入库 10 台齿轮箱。",
                ),
            ),
        ),
    ),
    Script(
        "pp",
        "PP-020",
        ("Backflush of components on confirmation", "报工时倒冲组件"),
        P2M,
        ("wm",),
        P.MEDIUM,
        (
            (
                ("Confirm an operation with backflushed components (CO11N).", "确认带倒冲组件的工序（CO11N）。"),
                ("The components are issued automatically.", "组件自动发料。"),
            ),
            (
                ("Check the order's goods movements (COOIS).", "检查订单的货物移动（COOIS）。"),
                ("Each backflushed component shows a 261 movement.", "每个倒冲组件都有 261 移动。"),
            ),
        ),
    ),
    Script(
        "co",
        "CO-010",
        ("Standard cost estimate and release", "标准成本估算及发布"),
        R2R,
        ("pp",),
        P.HIGH,
        (
            (
                ("Create a cost estimate for gearbox GB-200 (CK11N).", "为 GB-200 齿轮箱创建成本估算（CK11N）。"),
                ("Material, labour and overhead add up to the expected cost.", "材料、人工和制造费用合计符合预期。"),
            ),
            (
                ("Mark and release the estimate (CK24).", "标记并发布成本估算（CK24）。"),
                ("The standard price is updated for the next period.", "下期标准价格已更新。"),
            ),
        ),
    ),
    Script(
        "qm",
        "QM-010",
        ("Goods receipt inspection and usage decision", "来料检验及使用决策"),
        P2P,
        ("wm", "mm-pur"),
        P.HIGH,
        (
            (
                ("Post a goods receipt of castings that need inspection.", "对需检验的铸件收货。"),
                ("An inspection lot is created; stock is in quality inspection.", "生成检验批；库存处于质检状态。"),
            ),
            (
                ("Record the results of the hardness test (QE51N).", "录入硬度检验结果（QE51N）。"),
                ("Values out of tolerance are flagged.", "超出公差的值被标记。"),
            ),
            (
                ("Make the usage decision and accept the lot (QA11).", "作出使用决策并接收检验批（QA11）。"),
                ("Stock moves to unrestricted use.", "库存转为非限制使用。"),
            ),
        ),
    ),
]


def _text(demo: Demo, pair: tuple[str, str]) -> str:
    return pair[1] if demo.lang == "zh-hans" else pair[0]


def _at(demo: Demo, days_ago: float, hour: int = 10) -> datetime.datetime:
    day = demo.today - datetime.timedelta(days=int(days_ago))
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


class _Runner:
    """Plays runs through the services, as testers would have recorded them."""

    def __init__(self, demo: Demo, cycle: TestCycle, scenarios: dict[str, TestScenario]):
        self.demo, self.cycle, self.scenarios = demo, cycle, scenarios

    def run(self, reference: str, tester: str, days_ago: float, results=None, notes=(), finish=True, by=None):
        """A run whose steps got `results` (all passed when None), the failed ones with `notes`."""
        scenario = self.scenarios[reference]
        member = self.demo.members[tester]
        at = _at(self.demo, days_ago)
        run = services.run_start(
            cycle=self.cycle,
            scenario=scenario,
            tester=member,
            started_by=self.demo.members[by or tester],
            at=at,
        )
        steps = list(run.step_results.order_by("order"))
        results = results or [R.PASSED] * len(steps)
        notes = list(notes)
        for minutes, (step, status) in enumerate(zip(steps, results, strict=False), start=1):
            note = notes.pop(0) if status in (R.FAILED, R.BLOCKED) else ""
            services.step_record(
                step_result=step,
                status=status,
                actual_result=_text(self.demo, note) if note else "",
                recorded_by=member,
                at=at + datetime.timedelta(minutes=12 * minutes),
            )
        if finish:
            run = services.run_finish(run=run, at=at + datetime.timedelta(hours=2))
        return run

    def defect(self, run, order: int, severity: str, reporter: str, days_ago: float) -> Issue:
        return services.defect_raise(
            step_result=run.step_results.get(order=order),
            severity=severity,
            reporter=self.demo.members[reporter],
            at=_at(self.demo, days_ago, hour=13),
        )

    def sign_off(self, module: str, who: str, days_ago: float) -> None:
        services.sign_off_create(
            cycle=self.cycle,
            module=self.demo.modules[module],
            signed_by=self.demo.members[who],
            at=_at(self.demo, days_ago, hour=17),
        )


def seed(*, demo: Demo) -> None:
    """Write the scenarios, plan the cycles and play their runs. Runs once per project."""
    if TestScenario.objects.filter(project=demo.project).exists():
        return
    scenarios = {}
    for script in SCRIPTS:
        module = demo.modules[script.module]
        scenarios[script.reference] = services.scenario_create(
            project=demo.project,
            module=module,
            reference=script.reference,
            title=_text(demo, script.title),
            business_process=_text(demo, script.process),
            owner=module.key_user_assignments.get(kind="primary").membership,
            priority=script.priority,
            related_modules=[demo.modules[code] for code in script.touches],
            steps=[services.StepSpec(_text(demo, action), _text(demo, expected)) for action, expected in script.steps],
        )
    chinese = demo.lang == "zh-hans"
    sit = services.cycle_create(
        project=demo.project,
        kind=TestCycle.Kind.SIT,
        name="SIT 集成测试" if chinese else "SIT",
        start_date=demo.today - datetime.timedelta(days=60),
        end_date=demo.today - datetime.timedelta(days=32),
        scenarios=scenarios.values(),
    )
    uat = services.cycle_create(
        project=demo.project,
        kind=TestCycle.Kind.UAT,
        name="UAT 第一轮" if chinese else "UAT round 1",
        start_date=demo.today - datetime.timedelta(days=10),
        end_date=demo.today + datetime.timedelta(days=10),
        scenarios=scenarios.values(),
    )
    services.cycle_create(
        project=demo.project,
        kind=TestCycle.Kind.REGRESSION,
        name="上线前回归测试" if chinese else "Regression before cutover",
        start_date=demo.today + datetime.timedelta(days=20),
        end_date=demo.today + datetime.timedelta(days=27),
        scenarios=[s for s in scenarios.values() if s.priority == P.HIGH],
    )
    _play_sit(demo, _Runner(demo, sit, scenarios))
    _play_uat(demo, _Runner(demo, uat, scenarios))


def _play_sit(demo: Demo, runner: _Runner) -> None:
    """Consultants ran everything with the Key Users; one scenario had to be re-run. All signed off."""
    blocked = (
        "The release strategy is not configured in the SIT client; the requisition cannot be released.",
        "SIT 客户端未配置审批策略，采购申请无法审批。",
    )
    runner.run("PUR-010", "consultant", 55, [R.PASSED, R.BLOCKED], [blocked])
    for days, (reference, tester) in enumerate(
        [
            ("AP-010", "consultant"),
            ("AP-020", "consultant"),
            ("AP-030", "keyuser"),
            ("GL-010", "consultant"),
            ("GL-020", "ku.wu"),
            ("PUR-020", "ku.liu"),
            ("WM-010", "ku.zhang"),
            ("WM-020", "ku.zhang"),
            ("SD-010", "consultant"),
            ("SD-020", "ku.huang"),
            ("AR-010", "ku.huang"),
            ("PP-010", "techconsultant"),
            ("PP-020", "ku.zhou"),
            ("CO-010", "ku.wu"),
            ("QM-010", "ku.sun"),
        ]
    ):
        runner.run(reference, tester, 54 - days)
    runner.run("PUR-010", "ku.liu", 38)
    for module, who in [
        ("fin-ap", "keyuser"),
        ("fin-gl", "keyuser"),
        ("mm-pur", "ku.liu"),
        ("wm", "ku.zhang"),
        ("sd", "ku.huang"),
        ("fin-ar", "ku.huang"),
        ("pp", "ku.zhou"),
        ("co", "ku.wu"),
        ("qm", "ku.sun"),
    ]:
        runner.sign_off(module, who, 33)


def _play_uat(demo: Demo, runner: _Runner) -> None:
    """Key Users and end users test their processes; see the module docstring for where it stands."""
    for reference, tester, starter, days in [
        ("PUR-010", "eu.hu", "ku.liu", 9),
        ("PUR-020", "ku.liu", "ku.liu", 8),
        ("WM-010", "eu.xu", "ku.zhang", 8),
        ("WM-020", "eu.ma", "ku.zhang", 7),
        ("SD-020", "eu.lin", "ku.huang", 6),
        ("AR-010", "eu.lin", "ku.huang", 5),
        ("CO-010", "eu.zheng", "ku.wu", 5),
        ("AP-010", "keyuser", "keyuser", 4),
        ("GL-010", "ku.wu", "ku.wu", 3),
    ]:
        runner.run(reference, tester, days, by=starter)

    # Sales: the first run found a wrong tax code on the invoice; fixed, re-run, passed.
    first = runner.run(
        "SD-010",
        "eu.he",
        7,
        [R.PASSED, R.PASSED, R.PASSED, R.FAILED],
        [
            (
                "Output VAT is posted with tax code J0 (0 %) instead of J1 (13 %).",
                "销项税按 J0（0%）而非 J1（13%）过账。",
            )
        ],
        by="ku.huang",
    )
    defect = runner.defect(first, 4, Issue.Severity.S2, "ku.huang", 7)
    consultant = demo.members["consultant"]
    for status in (Issue.Status.TRIAGED, Issue.Status.IN_PROGRESS):
        defect = issue_services.issue_transition(issue=defect, to_status=status, actor=consultant)
    issue_services.issue_transition(
        issue=defect,
        to_status=Issue.Status.RESOLVED,
        actor=consultant,
        resolution=_text(
            demo,
            (
                "Tax determination for customer tax class 1 corrected (condition MWST); transported to the UAT client.",
                "已修正客户税分类 1 的税码确定（条件 MWST），并传输到 UAT 客户端。",
            ),
        ),
    )
    runner.run("SD-010", "eu.he", 2, by="ku.huang")
    for module, who, days in [("mm-pur", "ku.liu", 2), ("wm", "ku.zhang", 2), ("sd", "ku.huang", 1)]:
        runner.sign_off(module, who, days)

    # Production planning: confirmation does not post the goods receipt; the backflush test is blocked.
    failed = runner.run(
        "PP-010",
        "eu.luo",
        3,
        [R.PASSED, R.PASSED, R.PASSED, R.FAILED],
        [
            (
                "The confirmation posts the activities but no goods receipt: control key PP01 lacks automatic GR.",
                "报工过账了作业但没有自动入库：控制码 PP01 未勾选自动收货。",
            )
        ],
        by="ku.zhou",
    )
    runner.defect(failed, 4, Issue.Severity.S2, "ku.zhou", 3)
    runner.run(
        "PP-020",
        "eu.gao",
        2,
        [R.BLOCKED],
        [("Blocked by the confirmation defect found in PP-010.", "受 PP-010 报工缺陷影响，无法继续。")],
        by="ku.zhou",
    )

    # Quality: an end user is testing right now. Accounts payable: Mei started the withholding tax test.
    runner.run("QM-010", "eu.gao", 1, [R.PASSED], finish=False, by="ku.sun")
    runner.run("AP-030", "enduser", 1, [R.PASSED], finish=False, by="keyuser")
