"""The issue list on PostgreSQL: above a threshold its count is the planner's estimate, and says so."""

import pytest
from django.db import connection
from django.urls import reverse

from issues import selectors
from people.models import Membership

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgresql,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate comes from PostgreSQL's planner"),
]

Role = Membership.Role


def test_a_long_list_shows_an_estimated_count_and_says_so(team, issue_make, monkeypatch):
    for _ in range(12):
        issue_make()
    client = team.client_for(Role.KEY_USER)
    page = client.get(reverse("issues:list", args=[team.project.pk]))
    assert (page.context["page_obj"].paginator.count, page.context["page_obj"].paginator.estimated) == (12, False)
    monkeypatch.setattr(selectors, "EXACT_COUNT_UP_TO", 5)
    page = client.get(reverse("issues:list", args=[team.project.pk]))
    assert page.context["page_obj"].paginator.estimated
    assert page.context["page_obj"].paginator.count >= 6
    assert "about " in page.content.decode()
    assert len(page.context["issues"]) == 12
