"""The issues card on a module's page, with the refresher suggestion for clustered training gaps."""

import pytest
from django.urls import reverse

from issues.models import Issue
from people.models import Membership
from tests.querycount import queries_for

pytestmark = pytest.mark.django_db

Role = Membership.Role


def page(team, role=Role.KEY_USER):
    return team.client_for(role).get(reverse("modules:detail", args=[team.project.pk, team.module.pk]))


def test_the_card_counts_open_issues_by_severity_blockers_and_overdue(team, issue_make):
    issue_make(severity="s1", blocks_go_live=True)
    issue_make(severity="s3")
    context = page(team).context
    assert context["issue_counts"]["open"] == 2
    assert [n for _label, n, _style in context["issue_severity_counts"]] == [1, 0, 1, 0]
    assert "1 blocking go-live" in page(team).content.decode()


def test_three_open_training_gaps_suggest_a_refresher_with_a_link_to_schedule_it(team, issue_make):
    for _ in range(2):
        issue_make(category=Issue.Category.TRAINING_GAP, severity="s4")
    assert "a refresher session may help" not in page(team).content.decode()
    issue_make(category=Issue.Category.TRAINING_GAP, severity="s4")
    html = page(team).content.decode()
    assert "3 open issues are training gaps: a refresher session may help." in html
    schedule = reverse("training:create", args=[team.project.pk]) + f"?module={team.module.pk}&amp;kind=refresher"
    assert schedule in html
    assert schedule not in page(team, Role.MANAGER).content.decode()  # managers do not schedule training


def test_the_card_costs_the_same_queries_with_few_or_many_issues(team, issue_make):
    client = team.client_for(Role.KEY_USER)
    url = reverse("modules:detail", args=[team.project.pk, team.module.pk])
    issue_make()
    small = queries_for(client, url)
    for _ in range(20):
        issue_make(category=Issue.Category.TRAINING_GAP)
    assert queries_for(client, url) == small
