"""The Django admin goes through the services: staff cannot break the Key User rule either."""

import pytest

from modules.models import BusinessModule, KeyUserAssignment
from people.models import Membership

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def admin_client_(team):
    return team.client_for("staff")


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def expected(team) -> str:
    ku = team.members[Role.KEY_USER]
    return f"{ku.user.display_name} is the only Key User of Finance; assign another Key User first."


def test_deleting_the_last_assignment_in_the_admin_is_refused(team, admin_client_):
    assignment = team.module.key_user_assignments.get()
    response = admin_client_.post(
        f"/admin/modules/keyuserassignment/{assignment.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert expected(team) in messages_of(response)
    assert KeyUserAssignment.objects.filter(pk=assignment.pk).exists()


def test_bulk_deleting_assignments_in_the_admin_is_refused(team, admin_client_):
    assignment = team.module.key_user_assignments.get()
    response = admin_client_.post(
        "/admin/modules/keyuserassignment/",
        {"action": "delete_selected", "_selected_action": [assignment.pk], "post": "yes"},
        follow=True,
    )
    assert expected(team) in messages_of(response)
    assert KeyUserAssignment.objects.filter(pk=assignment.pk).exists()


def test_changing_the_role_in_the_admin_is_refused(team, admin_client_):
    ku = team.members[Role.KEY_USER]
    response = admin_client_.post(
        f"/admin/people/membership/{ku.pk}/change/",
        {"user": ku.user_id, "project": ku.project_id, "role": Role.END_USER, "department": "", "is_active": "on"},
        follow=True,
    )
    assert expected(team) in messages_of(response)
    ku.refresh_from_db()
    assert ku.role == Role.KEY_USER


def test_removing_a_member_in_the_admin_is_refused(team, admin_client_):
    ku = team.members[Role.KEY_USER]
    response = admin_client_.post(f"/admin/people/membership/{ku.pk}/delete/", {"post": "yes"}, follow=True)
    assert expected(team) in messages_of(response)
    assert Membership.objects.filter(pk=ku.pk).exists()


def test_deactivating_the_account_in_the_admin_is_refused(team, admin_client_):
    user = team.members[Role.KEY_USER].user
    response = admin_client_.post(
        f"/admin/people/user/{user.pk}/change/",
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "language": "",
            "time_zone": "",
        },
        follow=True,
    )
    assert expected(team) in messages_of(response)
    user.refresh_from_db()
    assert user.is_active


def test_adding_a_module_in_the_admin_requires_a_key_user(team, admin_client_):
    response = admin_client_.post(
        "/admin/modules/businessmodule/add/",
        {"project": team.project.pk, "code": "wh", "name": "Warehouse", "description": "", "in_scope": "on"},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not BusinessModule.objects.filter(code="wh", project=team.project).exists()


def test_adding_a_module_in_the_admin_with_a_key_user_works(team, admin_client_):
    ku = team.members[Role.KEY_USER]
    response = admin_client_.post(
        "/admin/modules/businessmodule/add/",
        {"project": team.project.pk, "code": "wh", "name": "Warehouse", "in_scope": "on", "key_users": [ku.pk]},
    )
    assert response.status_code == 302
    module = BusinessModule.objects.get(code="wh", project=team.project)
    assert list(module.key_user_assignments.values_list("membership_id", "kind")) == [(ku.pk, "primary")]
