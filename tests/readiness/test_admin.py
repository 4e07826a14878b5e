"""The admin shows readiness records without changing them, and saves a project's thresholds through
the service (with its message when they are refused)."""

import pytest

from people.models import Membership
from readiness import services as readiness_services
from readiness.models import GoLiveDecision, ReadinessSnapshot

pytestmark = pytest.mark.django_db

Role = Membership.Role


def project_form(project, **thresholds) -> dict:
    fields = {
        "code": project.code,
        "name": project.name,
        "client": project.client,
        "erp_product": project.erp_product,
        "start_date": project.start_date.isoformat(),
        "target_go_live": project.target_go_live.isoformat(),
        "phase_changes-TOTAL_FORMS": 0,
        "phase_changes-INITIAL_FORMS": 0,
    }
    return fields | {f"readiness_{n}": v for n, v in (project_form_thresholds(project) | thresholds).items()}


def project_form_thresholds(project) -> dict:
    names = ["training", "certified", "deliverables", "acceptance"]
    values = {f"{n}_{band}": getattr(project, f"readiness_{n}_{band}") for n in names for band in ("ready", "at_risk")}
    return values | {
        "blockers_max": project.readiness_blockers_max,
        "overdue_ready": project.readiness_overdue_ready,
        "overdue_at_risk": project.readiness_overdue_at_risk,
    }


def test_staff_change_thresholds_in_the_admin_through_the_service(team):
    client = team.client_for("staff")
    url = f"/admin/projects/project/{team.project.pk}/change/"
    response = client.post(url, project_form(team.project, training_ready=90), follow=True)
    assert response.status_code == 200
    team.project.refresh_from_db()
    assert team.project.readiness_training_ready == 90
    client.post(url, project_form(team.project, training_at_risk=95), follow=True)
    team.project.refresh_from_db()
    assert team.project.readiness_training_at_risk == 80


def test_decisions_and_snapshots_are_read_only_in_the_admin(team):
    readiness_services.go_live_decision_record(
        project=team.project, decided_by=team.members[Role.MANAGER], outcome="no_go", rationale="Not yet."
    )
    readiness_services.readiness_snapshot_take(project=team.project)
    client = team.client_for("staff")
    decision, snapshot = GoLiveDecision.objects.get(), ReadinessSnapshot.objects.get()
    assert client.get("/admin/readiness/golivedecision/").status_code == 200
    assert client.get("/admin/readiness/readinesssnapshot/").status_code == 200
    assert client.get("/admin/readiness/golivedecision/add/").status_code == 403
    client.post(f"/admin/readiness/golivedecision/{decision.pk}/delete/", {"post": "yes"})
    client.post(f"/admin/readiness/readinesssnapshot/{snapshot.pk}/change/", {"status": "ready"})
    assert GoLiveDecision.objects.filter(pk=decision.pk).exists()
    snapshot.refresh_from_db()
    assert snapshot.status == "not_ready"
