"""Module pages: scope, Key Users (the rule on every form), end users, deliverables, exports."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from modules.models import BusinessModule, Deliverable, KeyUserAssignment
from people.models import Membership, User
from tests.factories import MembershipFactory, UserFactory, module_make

pytestmark = pytest.mark.django_db

Role = Membership.Role


def url(name, team, *args):
    return reverse(f"modules:{name}", args=[team.project.pk, *args])


def only_key_user_message(team) -> str:
    return f"{team.user(Role.KEY_USER).display_name} is the only Key User of Finance; assign another Key User first."


@pytest.fixture
def consultant(team):
    return team.client_for(Role.APP_CONSULTANT)


# --- adding modules ---------------------------------------------------------------------------------------


def test_a_module_is_added_with_key_users_from_the_project(team, consultant):
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    key_user = team.members[Role.KEY_USER]
    response = consultant.post(
        url("create", team),
        {
            "code": "wh",
            "name": "Warehouse",
            "in_scope": "on",
            "key_users": [key_user.pk, backup.pk],
            "primary": backup.pk,
        },
    )
    module = BusinessModule.objects.get(project=team.project, code="wh")
    assert response.status_code == 302
    assert response["Location"] == url("detail", team, module.pk)
    assert dict(module.key_user_assignments.values_list("membership", "kind")) == {
        backup.pk: "primary",
        key_user.pk: "backup",
    }
    assert module.deliverables.count() == 6


def test_a_module_without_a_key_user_is_refused_and_the_form_keeps_what_was_typed(team, consultant):
    response = consultant.post(
        url("create", team), {"code": "wh", "name": "Warehouse", "description": "Bins and stock", "in_scope": "on"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Every business module has at least one Key User. Choose one of the project&#x27;s Key Users" in page
    assert 'value="Warehouse"' in page
    assert "Bins and stock" in page
    assert not BusinessModule.objects.filter(project=team.project, code="wh").exists()


def test_a_new_person_is_added_as_key_user_right_on_the_module_form(team, consultant):
    response = consultant.post(
        url("create", team),
        {
            "code": "wh",
            "name": "Warehouse",
            "in_scope": "on",
            "first_name": "Min",
            "last_name": "Zhang",
            "username": "min.zhang",
            "email": "min.zhang@example.cn",
            "department": "Warehouse",
        },
    )
    assert response.status_code == 302
    module = BusinessModule.objects.get(project=team.project, code="wh")
    assignment = module.key_user_assignments.select_related("membership__user").get()
    assert (assignment.kind, assignment.membership.role) == ("primary", Role.KEY_USER)
    assert (assignment.membership.user.username, assignment.membership.department) == ("min.zhang", "Warehouse")


def test_a_refused_new_person_leaves_nothing_behind(team, consultant):
    UserFactory(username="min.zhang")
    response = consultant.post(
        url("create", team),
        {"code": "wh", "name": "Warehouse", "in_scope": "on", "first_name": "Min", "username": "min.zhang"},
    )
    assert response.status_code == 200
    assert "An account with the username min.zhang already exists" in response.content.decode()
    assert not BusinessModule.objects.filter(project=team.project, code="wh").exists()
    assert not Membership.objects.filter(project=team.project, user__username="min.zhang").exists()


def test_a_duplicate_code_is_refused_on_the_form(team, consultant):
    response = consultant.post(
        url("create", team), {"code": "fin", "name": "Finance 2", "key_users": [team.members[Role.KEY_USER].pk]}
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert BusinessModule.objects.filter(project=team.project).count() == 1


def test_the_catalog_fills_in_the_form(team, consultant):
    response = consultant.get(url("create", team) + "?catalog=wm")
    page = response.content.decode()
    assert 'value="wm"' in page
    assert 'value="Inventory and warehouse"' in page
    assert "Fixed assets" in page  # the rest of the catalog is offered alongside


# --- Key Users on the module page ------------------------------------------------------------------------


def test_removing_the_last_key_user_is_refused_on_the_page(team, consultant):
    assignment = team.module.key_user_assignments.get()
    response = consultant.post(url("key_user_remove", team, team.module.pk, assignment.pk))
    assert response.status_code == 200
    assert only_key_user_message(team) in response.content.decode()
    assert KeyUserAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_backup_can_be_added_made_primary_and_the_old_primary_removed(team, consultant):
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    response = consultant.post(url("key_user_add", team, team.module.pk), {"membership": backup.pk, "kind": "backup"})
    assert response.status_code == 302
    assignment = team.module.key_user_assignments.get(membership=backup)
    consultant.post(url("key_user_primary", team, team.module.pk, assignment.pk))
    old = team.module.key_user_assignments.get(membership=team.members[Role.KEY_USER])
    assert (old.kind, team.module.key_user_assignments.get(membership=backup).kind) == ("backup", "primary")
    response = consultant.post(url("key_user_remove", team, team.module.pk, old.pk))
    assert response.status_code == 302
    assert list(team.module.key_user_assignments.values_list("membership", flat=True)) == [backup.pk]


def test_a_key_user_form_without_anyone_is_refused_with_the_rule(team, consultant):
    response = consultant.post(url("key_user_add", team, team.module.pk), {"kind": "backup"})
    assert response.status_code == 200
    assert "Every business module has at least one Key User." in response.content.decode()


def test_a_new_person_can_be_added_as_backup_key_user(team, consultant):
    response = consultant.post(
        url("key_user_add", team, team.module.pk),
        {"kind": "backup", "first_name": "Fang", "last_name": "Wu", "username": "fang.wu"},
    )
    assert response.status_code == 302
    assert team.module.key_user_assignments.filter(membership__user__username="fang.wu", kind="backup").exists()


def test_the_project_key_users_already_assigned_are_not_offered_again(team, consultant):
    response = consultant.get(url("key_user_add", team, team.module.pk))
    assert team.user(Role.KEY_USER).display_name not in response.content.decode().split("<form")[1]


# --- scope and deletion ------------------------------------------------------------------------------------


def test_a_module_is_taken_out_of_scope_and_back_after_confirmation(team, consultant):
    page = consultant.get(url("scope", team, team.module.pk)).content.decode()
    assert "Take Finance out of scope?" in page
    team.module.refresh_from_db()
    assert team.module.in_scope
    consultant.post(url("scope", team, team.module.pk))
    team.module.refresh_from_db()
    assert not team.module.in_scope
    consultant.post(url("scope", team, team.module.pk))
    team.module.refresh_from_db()
    assert team.module.in_scope


def test_a_module_is_deleted_only_after_confirmation(team, consultant):
    assert "Delete Finance?" in consultant.get(url("delete", team, team.module.pk)).content.decode()
    assert BusinessModule.objects.filter(pk=team.module.pk).exists()
    response = consultant.post(url("delete", team, team.module.pk))
    assert response["Location"] == url("list", team)
    assert not BusinessModule.objects.filter(pk=team.module.pk).exists()
    assert not Deliverable.objects.filter(module_id=team.module.pk).exists()


def test_another_projects_module_is_a_404_even_with_this_projects_id(team, consultant):
    assert consultant.get(url("detail", team, team.other_module.pk)).status_code == 404
    assert consultant.post(url("delete", team, team.other_module.pk)).status_code == 404
    assert BusinessModule.objects.filter(pk=team.other_module.pk).exists()


# --- end users ----------------------------------------------------------------------------------------------


def test_end_users_are_added_to_and_removed_from_a_module(team, consultant):
    end_user = team.members[Role.END_USER]
    response = consultant.post(url("end_user_add", team, team.module.pk), {"memberships": [end_user.pk]})
    assert response.status_code == 302
    link = team.module.end_users.get()
    assert end_user.user.display_name in consultant.get(url("detail", team, team.module.pk)).content.decode()
    consultant.post(url("end_user_remove", team, team.module.pk, link.pk))
    assert not team.module.end_users.exists()


def test_only_end_users_are_offered_as_end_users(team, consultant):
    response = consultant.post(
        url("end_user_add", team, team.module.pk), {"memberships": [team.members[Role.MANAGER].pk]}
    )
    assert response.status_code == 200
    assert not team.module.end_users.exists()


# --- deliverables -------------------------------------------------------------------------------------------


def test_a_key_user_updates_the_deliverables_of_their_own_module(team):
    deliverable = team.module.deliverables.get(name="Master data")
    response = team.client_for(Role.KEY_USER).post(
        url("deliverable_update", team, team.module.pk, deliverable.pk),
        {"status": "signed_off", "owner": team.members[Role.KEY_USER].pk, "due_date": "2026-12-01", "note": "OK"},
    )
    assert response.status_code == 302
    deliverable.refresh_from_db()
    assert (deliverable.status, deliverable.signed_off_by) == ("signed_off", team.user(Role.KEY_USER))
    assert str(deliverable.due_date) == "2026-12-01"


def test_a_key_user_may_not_update_another_modules_deliverables(team):
    other = module_make(project=team.project, code="wh", name="Warehouse")
    deliverable = other.deliverables.first()
    client = team.client_for(Role.KEY_USER)
    assert client.get(url("deliverable_update", team, other.pk, deliverable.pk)).status_code == 403
    response = client.post(url("deliverable_update", team, other.pk, deliverable.pk), {"status": "done"})
    assert response.status_code == 403
    deliverable.refresh_from_db()
    assert deliverable.status == "not_started"
    page = client.get(url("detail", team, other.pk)).content.decode()
    assert "Update" not in page


def test_a_deliverable_owner_from_another_project_is_not_accepted(team, consultant):
    deliverable = team.module.deliverables.first()
    response = consultant.post(
        url("deliverable_update", team, team.module.pk, deliverable.pk),
        {"status": "done", "owner": team.outsider.memberships.get().pk},
    )
    assert response.status_code == 200
    deliverable.refresh_from_db()
    assert deliverable.status == "not_started"


def test_the_standard_list_is_edited_per_project(team, consultant):
    response = consultant.post(
        url("deliverable_types", team),
        {"name": "Authorisation concept", "due_days_before_go_live": "40", "add_to_existing_modules": "on"},
    )
    assert response.status_code == 302
    assert team.module.deliverables.filter(name="Authorisation concept").exists()
    entry = team.project.deliverable_types.get(name="Authorisation concept")
    response = consultant.post(
        url("deliverable_type_update", team, entry.pk),
        {"name": "Roles and authorisations", "position": "7", "due_days_before_go_live": ""},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.name, entry.is_active, entry.due_days_before_go_live) == ("Roles and authorisations", False, None)


def test_readers_see_the_standard_list_without_the_form(team):
    page = team.client_for(Role.MANAGER).get(url("deliverable_types", team)).content.decode()
    assert "Master data" in page
    assert "Add a standard deliverable" not in page


# --- export ----------------------------------------------------------------------------------------------------


def test_the_key_user_matrix_is_exported_as_csv_and_xlsx(team):
    backup = MembershipFactory(
        project=team.project,
        role=Role.KEY_USER,
        user=UserFactory(username="fang.wu", first_name="Fang", last_name="Wu"),
    )
    module_make(project=team.project, code="co", name="Costing", key_users=[backup, team.members[Role.KEY_USER]])
    User.objects.filter(username="keyuser").update(first_name="Wei", last_name="Li")
    client = team.client_for(Role.MANAGER)
    response = client.get(url("matrix_export", team) + "?format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="demo-key-users.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "Module code,Module,In scope,Wei Li (keyuser),Fang Wu (fang.wu)",
        "co,Costing,yes,Backup,Primary",
        "fin,Finance,yes,Primary,",
    ]
    sheet = load_workbook(io.BytesIO(client.get(url("matrix_export", team) + "?format=xlsx").content)).active
    assert [list(row) for row in sheet.iter_rows(values_only=True)][1] == ["co", "Costing", "yes", "Backup", "Primary"]


def test_people_added_on_a_form_have_no_password_yet(team, consultant):
    consultant.post(
        url("key_user_add", team, team.module.pk), {"kind": "backup", "first_name": "Fang", "username": "fang.wu"}
    )
    assert not User.objects.get(username="fang.wu").has_usable_password()
