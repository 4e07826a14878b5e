"""Workspace fixtures: a frozen Tuesday morning, and makers for what the home pages list, all made
through the services."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from issues import services as issue_services
from issues.models import Issue
from modules.models import Deliverable
from people.models import Membership

Role = Membership.Role
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MORNING = datetime.datetime(2026, 6, 2, 9, 0, tzinfo=SHANGHAI)  # a Tuesday, months before go-live


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=False) as traveller:
        yield traveller


def days(n: int) -> datetime.date:
    return MORNING.date() + datetime.timedelta(days=n)


def issue_make(module, reporter: Membership, title: str = "Posting period is closed", **fields) -> Issue:
    return issue_services.issue_create(
        module=module,
        title=title,
        description=fields.pop("description", "Invoice posting fails with F5 201."),
        category=fields.pop("category", Issue.Category.DEFECT),
        severity=fields.pop("severity", Issue.Severity.S3),
        reporter=reporter,
        **fields,
    )


def deliverable_make(module, *, name: str, due: datetime.date, owner: Membership | None, status=None):
    """A deliverable of the module with this due date, owner and status (test data, made directly)."""
    return Deliverable.objects.create(
        module=module, name=name, owner=owner, due_date=due, status=status or Deliverable.Status.NOT_STARTED
    )


def home_groups(client) -> dict:
    """Project → its group on the home page."""
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {group["project"]: group for group in response.context["groups"]}


def pks(listing) -> list[int]:
    return [item.pk for item in listing.items]
