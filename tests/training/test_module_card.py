"""The training card on a module's page: completion figures and the next sessions."""

import pytest
from django.urls import reverse

from people.models import Membership
from tests.querycount import assert_same_queries, queries_for
from tests.training.conftest import at, end_user_make, held, session_make
from training.models import Attendance

pytestmark = pytest.mark.django_db

Role = Membership.Role


def module_page(team):
    return reverse("modules:detail", args=[team.project.pk, team.module.pk])


def test_the_module_page_shows_training_completion_and_the_next_sessions(team):
    trained = end_user_make(team)
    end_user_make(team)  # not trained yet
    held(session_make(team, start=at(-2)), {trained: Attendance.Status.PRESENT})
    session_make(team, title="Vendor invoices, second group")
    response = team.client_for(Role.KEY_USER).get(module_page(team))
    page = response.content.decode()
    assert response.context["training_completion"].end_users.done == 1
    assert response.context["training_completion"].end_users.required == 2
    assert 'id="training"' in page
    assert "Vendor invoices, second group" in page
    assert reverse("training:create", args=[team.project.pk]) + f"?module={team.module.pk}" in page


def test_members_who_cannot_schedule_see_the_card_without_the_button(team):
    page = team.client_for(Role.MANAGER).get(module_page(team)).content.decode()
    assert 'id="training"' in page
    assert reverse("training:create", args=[team.project.pk]) + f"?module={team.module.pk}" not in page


def test_the_card_runs_the_same_queries_whatever_the_training(team):
    client = team.client_for(Role.KEY_USER)
    held(session_make(team, start=at(-5)), {end_user_make(team): Attendance.Status.PRESENT})
    small = queries_for(client, module_page(team))
    for days in range(1, 6):
        people = [end_user_make(team) for _ in range(3)]
        held(session_make(team, start=at(-days, 14)), {p: Attendance.Status.LATE for p in people})
        session_make(team, start=at(days, 15))
    assert_same_queries(small, queries_for(client, module_page(team)), url=module_page(team))
