"""The admin corrects what an issue says through the service (so the timeline records it) and cannot
log, delete or move issues along the workflow."""

import datetime

import pytest
from django.urls import reverse

from issues.models import Issue, SlaPolicy

pytestmark = pytest.mark.django_db


def test_staff_correct_an_issue_and_the_timeline_says_so(team, issue_make):
    issue = issue_make()
    client = team.client_for("staff")
    url = reverse("admin:issues_issue_change", args=[issue.pk])
    inlines = {
        f"{formset.formset.prefix}-{field}": 0
        for formset in client.get(url).context["inline_admin_formsets"]
        for field in ("TOTAL_FORMS", "INITIAL_FORMS")
    }
    data = {"title": "Posting period 11 is closed", "description": issue.description, "category": "defect"}
    response = client.post(url, {**data, "severity": "s1", **inlines})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.title, issue.severity) == ("Posting period 11 is closed", "s1")
    event = issue.events.get(kind="changed", field="severity")
    assert (event.actor, event.before, event.after) == (None, "s2", "s1")
    assert issue.resolve_due == issue.sla_started_at + datetime.timedelta(hours=8)


def test_the_admin_neither_logs_nor_deletes_issues(team, issue_make):
    issue = issue_make()
    client = team.client_for("staff")
    assert client.get(reverse("admin:issues_issue_add")).status_code == 403
    assert client.get(reverse("admin:issues_issue_delete", args=[issue.pk])).status_code == 403
    assert Issue.objects.filter(pk=issue.pk).exists()


def test_staff_edit_a_projects_sla_policy_through_the_service(team):
    client = team.client_for("staff")
    data = {f"s{n}_{kind}_hours": 2 for n in range(1, 5) for kind in ("respond", "resolve")}
    response = client.post(reverse("admin:issues_slapolicy_add"), {"project": team.project.pk, **data})
    assert response.status_code == 302
    assert SlaPolicy.objects.get(project=team.project).hours("s3") == (2, 2)
