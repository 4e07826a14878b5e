"""The admin writes scenarios and cycles through the services and shows their refusals; runs, sign-offs
and exceptions are read-only there."""

import pytest

from acceptance import models as acceptance
from people.models import Membership
from tests.acceptance.factories import run_make

pytestmark = pytest.mark.django_db

Role = Membership.Role


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def scenario_form(team, **fields) -> dict:
    return {
        "project": team.project.pk,
        "module": team.module.pk,
        "reference": "FIN-020",
        "title": "Asset acquisition",
        "business_process": "Record to report",
        "description": "",
        "owner": team.members[Role.KEY_USER].pk,
        "priority": "medium",
        "steps-TOTAL_FORMS": 2,
        "steps-INITIAL_FORMS": 0,
        "steps-0-order": 2,
        "steps-0-action": "Capitalise",
        "steps-0-expected_result": "Asset value posted",
        "steps-1-order": 1,
        "steps-1-action": "Create the asset",
        "steps-1-expected_result": "Asset number given",
        **fields,
    }


def test_a_scenario_added_in_the_admin_gets_its_steps_through_the_service(team):
    response = team.client_for("staff").post("/admin/acceptance/testscenario/add/", scenario_form(team), follow=True)
    assert response.status_code == 200
    scenario = acceptance.TestScenario.objects.get(reference="FIN-020")
    assert [s.action for s in scenario.steps.all()] == ["Create the asset", "Capitalise"]


def test_the_admin_refuses_an_owner_who_is_not_a_key_user_of_the_module(team):
    form = scenario_form(team, owner=team.members[Role.APP_CONSULTANT].pk)
    response = team.client_for("staff").post("/admin/acceptance/testscenario/add/", form, follow=True)
    assert any("is not a Key User of Finance" in m for m in messages_of(response))
    assert not acceptance.TestScenario.objects.exists()


def test_a_scenario_never_run_is_deleted_in_the_admin(team, scenario):
    client = team.client_for("staff")
    client.post(f"/admin/acceptance/testscenario/{scenario.pk}/delete/", {"post": "yes"})
    assert not acceptance.TestScenario.objects.filter(pk=scenario.pk).exists()


def test_a_scenario_with_runs_cannot_be_deleted_in_the_admin(team, cycle, scenario):
    """Its runs are evidence nobody deletes in the admin, so the admin refuses (and so would the service)."""
    run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER])
    response = team.client_for("staff").post(f"/admin/acceptance/testscenario/{scenario.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert acceptance.TestScenario.objects.filter(pk=scenario.pk).exists()


def test_runs_are_read_only_in_the_admin(team, cycle, scenario):
    run = run_make(cycle=cycle, scenario=scenario, tester=team.members[Role.KEY_USER])
    client = team.client_for("staff")
    assert client.get(f"/admin/acceptance/testrun/{run.pk}/change/").status_code == 200
    assert client.post(f"/admin/acceptance/testrun/{run.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/acceptance/testrun/add/").status_code == 403


def test_a_cycle_added_in_the_admin_plans_its_scenarios_through_the_service(team, scenario):
    form = {
        "project": team.project.pk,
        "kind": "sit",
        "name": "SIT 2",
        "start_date": "2026-05-04",
        "end_date": "2026-05-15",
        "scenarios": [scenario.pk],
    }
    team.client_for("staff").post("/admin/acceptance/testcycle/add/", form)
    assert list(acceptance.TestCycle.objects.get(name="SIT 2").scenarios.all()) == [scenario]
