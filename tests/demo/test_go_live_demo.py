"""The demo's readiness: a module ready and others not, a month of trends, a past no-go, and the
journey `manager` takes: the dashboard, a reason's evidence, the trend, a decision."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from projects.models import Project
from readiness.evidence import project_readiness
from readiness.models import GoLiveDecision, ReadinessSnapshot

pytestmark = pytest.mark.django_db


def test_the_demo_readiness_and_the_managers_journey(client):
    call_command("seed_demo")
    project = Project.objects.get(code="hdpm-s4")
    statuses = {m.module.code: m.status for m in project_readiness(project=project).modules}
    assert statuses["fin-gl"] == "ready"
    assert statuses["pp"] == statuses["wm"] == "not_ready"

    snapshots = ReadinessSnapshot.objects.filter(project=project)
    assert snapshots.values("day").distinct().count() == 31  # today and the 30 days before
    assert snapshots.filter(reconstructed=False).values("day").distinct().count() == 1
    assert ReadinessSnapshot.objects.filter(project__code="hdpm-sz").exists()
    no_go = GoLiveDecision.objects.get(project=project)
    assert no_go.outcome == "no_go"
    assert no_go.decided_by.username == "manager"
    assert no_go.evidence["status"] == "not_ready"

    assert client.login(username="manager", password="erpteam-demo")
    dashboard = client.get(reverse("readiness:dashboard", args=[project.pk])).content.decode()
    assert dashboard.count('<svg class="chart-svg"') == 3
    evidence = re.search(r'href="([^"]+view=blocking)"', dashboard).group(1).replace("&amp;", "&")
    assert "Goods receipt for handling units" in client.get(evidence).content.decode()
    response = client.post(
        reverse("readiness:decision_create", args=[project.pk]),
        {"outcome": "go_with_conditions", "rationale": "General ledger goes first.", "conditions": "Warehouse fixed."},
    )
    assert response.status_code == 302
    assert GoLiveDecision.objects.filter(project=project).count() == 2

    before = (snapshots.count(), GoLiveDecision.objects.count())
    call_command("seed_demo")
    assert (snapshots.count(), GoLiveDecision.objects.count()) == before
