"""In a browser, in a project too big for a select: `consultant` types part of a name into the assignee
field, picks the suggestion with the keyboard and saves. The page passes axe's checks."""

import pytest

from issues import services
from people.fields import SELECT_UP_TO
from people.models import Membership, User
from tests.browser.conftest import assert_accessible, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Role = Membership.Role


def test_the_assignee_is_chosen_from_suggestions_as_one_types(page, team, password):
    users = User.objects.bulk_create(
        [User(username=f"it{n}", first_name="Ming", last_name=f"Tech{n:03d}") for n in range(SELECT_UP_TO)]
    )
    Membership.objects.bulk_create([Membership(project=team.project, user=u, role=Role.IT_USER) for u in users])
    issue = services.issue_create(
        module=team.module,
        title="Posting period is closed",
        description="F5 201",
        category="defect",
        severity="s3",
        reporter=team.members[Role.KEY_USER],
    )
    log_in(page, "consultant", password)
    page.goto(f"{page.base_url}/p/{team.project.pk}/issues/{issue.pk}/")
    field = page.get_by_role("combobox", name="Assign to")
    field.press_sequentially("tech017")
    page.get_by_role("option", name="Ming Tech017 · IT user").wait_for()
    assert_accessible(page)
    field.press("ArrowDown")
    field.press("Enter")
    assert field.input_value() == "Ming Tech017 (it17)"
    page.get_by_role("button", name="Assign", exact=True).click()
    page.get_by_text("Assignment saved.").wait_for()
    issue.refresh_from_db()
    assert issue.assignee.user.username == "it17"
