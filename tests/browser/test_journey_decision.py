"""In a browser: `manager` reads the readiness dashboard, records a no-go with its rationale, and finds
it — with the attendance `keyuser` recorded — in the project's audit trail. The pages pass axe's checks."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from people.models import Membership
from readiness.models import GoLiveDecision
from tests.browser.conftest import assert_accessible, log_in
from training import services
from training.models import TrainingSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Role = Membership.Role


def attendance_taken_by_the_key_user(team) -> None:
    start = timezone.now() - datetime.timedelta(days=1)
    session = services.session_create(
        module=team.module,
        kind=TrainingSession.Kind.END_USER,
        title="Posting vendor invoices",
        trainer=team.members[Role.KEY_USER],
        start_at=start,
        end_at=start + datetime.timedelta(hours=2),
        capacity=10,
    )
    (attendance,) = services.attendees_invite(session=session, memberships=[team.members[Role.END_USER]])
    key_user = Client()
    key_user.force_login(team.user(Role.KEY_USER))
    key_user.post(
        reverse("training:attendance", args=[team.project.pk, session.pk]), {f"status_{attendance.pk}": "absent"}
    )


def test_a_manager_reads_the_readiness_records_a_no_go_and_finds_it_in_the_audit_trail(page, team, password):
    attendance_taken_by_the_key_user(team)

    log_in(page, "manager", password)
    page.goto(f"{page.base_url}/p/{team.project.pk}/")
    page.get_by_role("link", name="Readiness").first.click()
    page.get_by_text("Modules × criteria").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Record the go / no-go decision").click()
    assert_accessible(page)
    page.get_by_label("No-go", exact=True).check()
    page.get_by_label("Rationale").fill("End-user training has not started in Finance.")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("Decision recorded: No-go.").wait_for()
    assert_accessible(page)
    decision = GoLiveDecision.objects.get()
    assert (decision.outcome, decision.decided_by) == (GoLiveDecision.Outcome.NO_GO, team.user(Role.MANAGER))

    page.get_by_role("link", name="Audit trail").click()
    trail = page.locator("table")
    trail.get_by_text("End-user training has not started in Finance.").wait_for()
    assert team.user(Role.MANAGER).display_name in trail.inner_text()
    assert_accessible(page)
    page.get_by_label("Kind of change").select_option(label="Attendance")
    page.get_by_role("button", name="Filter").click()
    recorded = trail.get_by_role("row").filter(has_text="Posting vendor invoices").filter(has_text="Absent")
    recorded.wait_for()
    assert team.user(Role.KEY_USER).display_name in recorded.inner_text()
    assert "Invited" in recorded.inner_text()  # before → after
    assert_accessible(page)
