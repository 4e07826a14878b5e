"""Planning a project in the browser: create, edit, change the phase, the overview."""

import pytest
from django.urls import reverse

from modules.services import module_end_user_add
from people.models import Membership
from projects.models import Project
from projects.services import project_phase_change
from tests.factories import MembershipFactory, module_make
from tests.querycount import assert_same_queries, queries_for

pytestmark = pytest.mark.django_db

Role = Membership.Role

NEW_PROJECT = {
    "code": "acme-d365",
    "name": "Acme Dynamics rollout",
    "client": "Acme",
    "erp_product": "Dynamics 365",
    "phase": "prepare",
    "start_date": "2026-02-01",
    "target_go_live": "2026-12-01",
}


def test_a_consultant_starts_a_project_and_lands_on_its_modules(team):
    client = team.client_for(Role.APP_CONSULTANT)
    assert "New project" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("projects:create"), NEW_PROJECT)
    project = Project.objects.get(code="acme-d365")
    assert response["Location"] == reverse("modules:list", args=[project.pk])
    assert project.memberships.get().user == team.user(Role.APP_CONSULTANT)


def test_people_who_plan_no_project_cannot_start_one(team):
    client = team.client_for(Role.KEY_USER)
    assert "New project" not in client.get(reverse("home")).content.decode()
    assert client.post(reverse("projects:create"), NEW_PROJECT).status_code == 404
    assert not Project.objects.filter(code="acme-d365").exists()


def test_a_wrong_project_form_keeps_what_was_typed(team):
    response = team.client_for(Role.APP_CONSULTANT).post(
        reverse("projects:create"), NEW_PROJECT | {"target_go_live": "2026-01-01"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "The target go-live cannot be before the start date." in page
    assert 'value="Acme Dynamics rollout"' in page


def test_a_consultant_edits_the_project_and_its_dates(team):
    response = team.client_for(Role.APP_CONSULTANT).post(
        reverse("projects:update", args=[team.project.pk]),
        {**NEW_PROJECT, "code": "demo", "actual_go_live": "2026-12-03"},
    )
    assert response.status_code == 302
    team.project.refresh_from_db()
    assert (team.project.name, str(team.project.actual_go_live)) == ("Acme Dynamics rollout", "2026-12-03")


def test_a_phase_change_appears_in_the_history_on_the_overview(team):
    client = team.client_for(Role.APP_CONSULTANT)
    form = client.get(reverse("projects:phase_change", args=[team.project.pk]))
    assert form.context["form"].initial["to_phase"] == "deploy"
    response = client.post(
        reverse("projects:phase_change", args=[team.project.pk]), {"to_phase": "deploy", "note": "UAT passed"}
    )
    assert response.status_code == 302
    page = client.get(reverse("projects:detail", args=[team.project.pk])).content.decode()
    assert "UAT passed" in page
    assert team.user(Role.APP_CONSULTANT).display_name in page


def test_the_same_phase_is_refused_on_the_form(team):
    response = team.client_for(Role.APP_CONSULTANT).post(
        reverse("projects:phase_change", args=[team.project.pk]), {"to_phase": "realize", "note": "again"}
    )
    assert "The project is already in the Realize phase." in response.content.decode()
    assert "again</textarea>" in response.content.decode()


def test_the_overview_shows_modules_key_users_progress_and_the_team(team):
    deliverable = team.module.deliverables.first()
    deliverable.status = "in_progress"
    deliverable.save()
    page = team.client_for(Role.END_USER).get(reverse("projects:detail", args=[team.project.pk])).content.decode()
    assert "Finance" in page
    assert team.user(Role.KEY_USER).display_name in page
    assert "0/6 signed off" in page
    assert "no backup" in page
    assert reverse("modules:detail", args=[team.project.pk, team.module.pk]) not in page  # end users read no modules
    assert "Edit the project" not in page


def grow(team, n: int) -> None:
    for i in range(n):
        key_users = [MembershipFactory(project=team.project, role=Role.KEY_USER) for _ in range(2)]
        module = module_make(project=team.project, key_users=key_users)
        module_end_user_add(module=module, membership=MembershipFactory(project=team.project, role=Role.END_USER))
        deliverable = module.deliverables.first()
        deliverable.status = ["done", "signed_off", "in_progress"][i % 3]
        deliverable.signed_off_at = None if deliverable.status != "signed_off" else deliverable.created_at
        deliverable.save()
        phase = ["deploy", "realize"][i % 2]
        project_phase_change(project=team.project, to_phase=phase, changed_by=team.user(Role.APP_CONSULTANT))


@pytest.mark.parametrize("role", [Role.APP_CONSULTANT, Role.END_USER])
def test_the_overview_runs_the_same_number_of_queries_at_two_sizes(team, role):
    client = team.client_for(role)
    url = reverse("projects:detail", args=[team.project.pk])
    grow(team, 2)
    small = queries_for(client, url)
    grow(team, 25)
    assert_same_queries(small, queries_for(client, url), url=url)
