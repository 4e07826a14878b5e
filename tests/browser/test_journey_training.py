"""In a browser: `keyuser` gives an end-user session of their module and takes its attendance on the
tablet page — one person present, one late — and the session is held. The pages pass axe's checks."""

import datetime

import pytest
from django.utils import timezone

from people.models import Membership
from tests.browser.conftest import assert_accessible, log_in
from tests.factories import MembershipFactory, UserFactory
from training import services
from training.models import Attendance, TrainingSession

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Role = Membership.Role


def test_a_key_user_takes_the_attendance_of_their_session(page, team, password):
    late_comer = MembershipFactory(
        project=team.project,
        role=Role.END_USER,
        user=UserFactory(username="chen.jie", first_name="Jie", last_name="Chen"),
    )
    start = timezone.now() - datetime.timedelta(minutes=20)
    session = services.session_create(
        module=team.module,
        kind=TrainingSession.Kind.END_USER,
        title="Posting vendor invoices",
        trainer=team.members[Role.KEY_USER],
        start_at=start,
        end_at=start + datetime.timedelta(hours=2),
        capacity=10,
        place="Room 301",
    )
    services.attendees_invite(session=session, memberships=[team.members[Role.END_USER], late_comer])

    log_in(page, "keyuser", password)
    page.goto(f"{page.base_url}/p/{team.project.pk}/")
    page.get_by_role("link", name="Training").first.click()
    assert_accessible(page)
    page.get_by_role("link", name="Posting vendor invoices").first.click()
    page.get_by_role("link", name="Take attendance").click()
    assert_accessible(page)
    page.get_by_role("group", name=team.user(Role.END_USER).display_name).get_by_text("Present", exact=True).click()
    page.get_by_role("group", name="Jie Chen").get_by_text("Late", exact=True).click()
    page.get_by_role("button", name="Save attendance").click()
    page.get_by_text("Attendance saved.").wait_for()
    assert_accessible(page)

    assert set(Attendance.objects.values_list("membership__user__username", "status")) == {
        ("enduser", Attendance.Status.PRESENT),
        ("chen.jie", Attendance.Status.LATE),
    }
    session.refresh_from_db()
    assert session.status == TrainingSession.Status.HELD
