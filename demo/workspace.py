"""What waits on the demo's home pages besides the other steps' data: `enduser` has just asked for help
in Accounts payable (a new issue for `keyuser` to triage), `keyuser`'s next Accounts payable deliverable
is due this week, and the owners of deliverables due soon or overdue have been told."""

import datetime

from django.utils import timezone

from demo.base import Demo
from issues import services as issue_services
from issues.models import Issue
from modules import services as module_services
from modules.models import Deliverable

HELP_REQUEST = (
    ("The payment proposal lists no vendors", "付款建议中没有任何供应商"),
    (
        "I started the payment run for company code 1000 as in the training, but the proposal is empty.",
        "我按培训内容为公司代码 1000 启动了付款运行，但付款建议是空的。",
    ),
)
DUE_IN_DAYS = 5


def seed(*, demo: Demo) -> None:
    chinese = demo.lang == "zh-hans"
    module = demo.modules["fin-ap"]
    title, description = (text[1] if chinese else text[0] for text in HELP_REQUEST)
    if not Issue.objects.filter(project=demo.project, title=title).exists():
        issue_services.issue_create(
            module=module,
            title=title,
            description=description,
            category=Issue.Category.QUESTION,
            severity=Issue.Severity.S3,
            reporter=demo.members["enduser"],
            logged_at=timezone.now() - datetime.timedelta(hours=1),
        )
    due = demo.today + datetime.timedelta(days=DUE_IN_DAYS)
    next_up = module.deliverables.filter(status=Deliverable.Status.NOT_STARTED).order_by("position").first()
    if next_up is not None and next_up.due_date != due:
        module_services.deliverable_update(
            deliverable=next_up,
            acting_user=demo.members["consultant"].user,
            status=next_up.status,
            owner=demo.members["keyuser"],
            due_date=due,
            note=next_up.note,
        )
    module_services.deliverables_due_notify(today=demo.today)
