"""Projects: creation, editing, phase changes with their history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from modules.models import DeliverableType
from people.models import Membership
from projects import services
from projects.models import PhaseChange, Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Role = Membership.Role


def create(user, **fields) -> Project:
    values = {
        "code": "acme-s4",
        "name": "Acme S/4HANA",
        "client": "Acme",
        "erp_product": "SAP S/4HANA",
        "start_date": datetime.date(2026, 1, 5),
        "target_go_live": datetime.date(2026, 10, 1),
    } | fields
    return services.project_create(created_by=user, **values)


def test_a_new_project_has_its_creator_as_consultant_a_standard_list_and_a_first_history_entry():
    user = UserFactory()
    project = create(user)
    assert Membership.objects.get(project=project, user=user).role == Role.APP_CONSULTANT
    assert DeliverableType.objects.filter(project=project).count() == 6
    change = project.phase_changes.get()
    assert (change.from_phase, change.to_phase, change.changed_by) == ("", "prepare", user)


def test_a_go_live_before_the_start_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError, match="The target go-live cannot be before the start date"):
        create(UserFactory(), target_go_live=datetime.date(2025, 12, 31))
    assert not Project.objects.exists()


def test_a_phase_change_is_recorded_with_who_when_from_to_and_note(team, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+08:00")
    user = team.user(Role.APP_CONSULTANT)
    change = services.project_phase_change(project=team.project, to_phase="deploy", changed_by=user, note="UAT passed")
    team.project.refresh_from_db()
    assert team.project.phase == "deploy"
    assert (change.from_phase, change.to_phase, change.changed_by, change.note) == (
        "realize",
        "deploy",
        user,
        "UAT passed",
    )
    assert change.changed_at.isoformat() == "2026-11-02T02:00:00+00:00"


def test_a_change_to_the_current_phase_is_refused(team):
    with pytest.raises(ValidationError, match="already in the Realize phase"):
        services.project_phase_change(project=team.project, to_phase="realize", changed_by=None)
    assert not PhaseChange.objects.exists()


def test_the_phase_does_not_change_through_an_edit(team):
    with pytest.raises(TypeError):
        services.project_update(project=team.project, phase="closed")


def test_a_past_phase_change_can_be_recorded_but_not_a_future_one(team, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+08:00")
    past = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    services.phase_change_record(project=team.project, from_phase="prepare", to_phase="explore", changed_at=past)
    with pytest.raises(ValidationError, match="cannot be in the future"):
        services.phase_change_record(
            project=team.project, from_phase="explore", to_phase="realize", changed_at=past.replace(year=2027)
        )
    team.project.refresh_from_db()
    assert team.project.phase == "realize"
    assert team.project.phase_changes.count() == 1
