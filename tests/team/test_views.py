"""The team pages: roster, adding people, role changes, (de)activation, exports, the import pages."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from modules.services import module_end_user_add
from people.models import Membership, RosterImport
from tests.factories import MembershipFactory, UserFactory
from tests.team.conftest import GOOD_ROWS_CSV

pytestmark = pytest.mark.django_db

Role = Membership.Role


def url(name, team, *args):
    return reverse(f"people:{name}", args=[team.project.pk, *args])


def only_key_user_message(team) -> str:
    return f"{team.user(Role.KEY_USER).display_name} is the only Key User of Finance; assign another Key User first."


@pytest.fixture
def consultant(team):
    return team.client_for(Role.APP_CONSULTANT)


# --- the roster -------------------------------------------------------------------------------------------


def test_the_roster_shows_roles_departments_modules_and_state(team):
    module_end_user_add(module=team.module, membership=team.members[Role.END_USER])
    MembershipFactory(project=team.project, role=Role.IT_USER, is_active=False, user=UserFactory(username="gone"))
    response = team.client_for(Role.MANAGER).get(url("list", team))
    page = response.content.decode()
    assert response.status_code == 200
    for member in team.members.values():
        assert member.user.display_name in page
    assert page.count(">Finance</a>") == 2  # the Key User's module and the end user's
    assert "Inactive" in page
    assert "Add a person" not in page  # managers read the roster


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=key_user", {"keyuser"}),
        ("module={module}", {"keyuser", "enduser"}),
        ("active=no", {"gone"}),
        ("q=gone", {"gone"}),
        ("department=Treasury", {"gone"}),
    ],
)
def test_the_roster_is_filtered(team, query, expected):
    module_end_user_add(module=team.module, membership=team.members[Role.END_USER])
    MembershipFactory(
        project=team.project,
        role=Role.IT_USER,
        is_active=False,
        department="Treasury",
        user=UserFactory(username="gone"),
    )
    response = team.client_for(Role.MANAGER).get(url("list", team) + "?" + query.format(module=team.module.pk))
    assert {m.user.username for m in response.context["page"]} == expected


def test_the_roster_is_paginated(team):
    for _ in range(30):
        MembershipFactory(project=team.project, role=Role.END_USER)
    client = team.client_for(Role.MANAGER)
    first = client.get(url("list", team))
    assert len(first.context["page"]) == 25
    assert len(client.get(url("list", team) + "?page=2").context["page"]) == 36 - 25


def test_end_users_do_not_see_the_roster(team):
    assert team.client_for(Role.END_USER).get(url("list", team)).status_code == 403


# --- adding people ------------------------------------------------------------------------------------------


def test_an_existing_account_is_added_by_username_or_email(team, consultant):
    person = UserFactory(username="fang.wu", email="fang.wu@example.cn")
    response = consultant.post(url("create", team), {"account": "FANG.WU@example.cn", "role": "key_user"})
    assert response.status_code == 302
    assert Membership.objects.get(project=team.project, user=person).role == Role.KEY_USER


def test_a_new_person_is_added_with_a_role(team, consultant):
    response = consultant.post(
        url("create", team),
        {"first_name": "Fang", "last_name": "Wu", "username": "fang.wu", "role": "end_user", "department": "Sales"},
    )
    assert response.status_code == 302
    member = Membership.objects.get(project=team.project, user__username="fang.wu")
    assert (member.role, member.department, member.user.get_full_name()) == (Role.END_USER, "Sales", "Fang Wu")


def test_adding_someone_already_in_the_team_is_refused_and_keeps_the_input(team, consultant):
    manager = team.user(Role.MANAGER)
    response = consultant.post(
        url("create", team), {"account": manager.username, "role": "key_user", "department": "Steering"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{manager.display_name} is already a member of this project." in page
    assert 'value="Steering"' in page
    assert Membership.objects.get(project=team.project, user=manager).role == Role.MANAGER


def test_a_person_form_needs_an_account_or_a_new_person(team, consultant):
    response = consultant.post(url("create", team), {"role": "end_user"})
    assert "Choose an existing account or describe the new person." in response.content.decode()


# --- role changes and deactivation: the Key User rule on the page -------------------------------------------


def test_changing_the_role_of_the_last_key_user_is_refused_and_keeps_the_input(team, consultant):
    key_user = team.members[Role.KEY_USER]
    response = consultant.post(url("update", team, key_user.pk), {"role": "end_user", "department": "Accounting"})
    assert response.status_code == 200
    page = response.content.decode()
    assert only_key_user_message(team) in page
    assert 'value="Accounting"' in page
    assert '<option value="end_user" selected>' in page
    key_user.refresh_from_db()
    assert (key_user.role, key_user.department) == (Role.KEY_USER, "Operations")


def test_a_role_and_department_are_changed(team, consultant):
    manager = team.members[Role.MANAGER]
    response = consultant.post(url("update", team, manager.pk), {"role": "it_user", "department": "IT"})
    assert response.status_code == 302
    manager.refresh_from_db()
    assert (manager.role, manager.department) == (Role.IT_USER, "IT")


def test_deactivating_the_last_key_user_is_refused_on_the_page(team, consultant):
    key_user = team.members[Role.KEY_USER]
    response = consultant.post(url("deactivate", team, key_user.pk))
    assert response.status_code == 200
    assert only_key_user_message(team) in response.content.decode()
    key_user.refresh_from_db()
    assert key_user.is_active


def test_a_member_is_deactivated_and_reactivated(team, consultant):
    manager = team.members[Role.MANAGER]
    assert "Deactivate" in consultant.get(url("deactivate", team, manager.pk)).content.decode()
    consultant.post(url("deactivate", team, manager.pk))
    manager.refresh_from_db()
    assert not manager.is_active
    assert team.client_for(Role.MANAGER).get(reverse("projects:detail", args=[team.project.pk])).status_code == 404
    consultant.post(url("activate", team, manager.pk))
    manager.refresh_from_db()
    assert manager.is_active


def test_another_projects_member_is_a_404(team, consultant):
    other = team.outsider.memberships.get()
    assert consultant.post(url("deactivate", team, other.pk)).status_code == 404
    other.refresh_from_db()
    assert other.is_active


# --- exports ------------------------------------------------------------------------------------------------


def test_the_roster_is_exported_as_csv_and_xlsx_in_the_import_columns(team):
    client = team.client_for(Role.IT_USER)
    response = client.get(url("export", team) + "?format=csv")
    assert response["Content-Disposition"] == 'attachment; filename="demo-team.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "name,username,email,department,role,modules,key_user,active"
    key_user = team.user(Role.KEY_USER)
    assert f"{key_user.get_full_name()},keyuser,keyuser@example.com,Operations,Key User,fin,Primary,yes" in lines
    sheet = load_workbook(io.BytesIO(client.get(url("export", team) + "?format=xlsx").content)).active
    assert sheet.max_row == 1 + len(team.members)


# --- the import pages ----------------------------------------------------------------------------------------


def test_an_upload_shows_its_preview_and_confirming_imports_it(team, consultant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("roster.csv", GOOD_ROWS_CSV, content_type="text/csv")
    response = consultant.post(url("import", team), {"file": upload})
    roster_import = RosterImport.objects.get()
    assert response["Location"] == url("import_detail", team, roster_import.pk)
    page = consultant.get(response["Location"]).content.decode()
    assert "What would be imported" in page
    assert "Li Na" in page
    assert "Confirm the import" in page
    assert not Membership.objects.filter(user__username="li.na").exists()
    response = consultant.post(url("import_confirm", team, roster_import.pk), follow=True)
    assert "The roster is imported." in response.content.decode()
    assert Membership.objects.filter(project=team.project, user__username="li.na").exists()


def test_an_upload_with_problems_shows_them_and_offers_no_confirmation(team, consultant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    keyuser = team.user(Role.KEY_USER)
    data = f"name,username,role\n{keyuser.get_full_name()},keyuser,end_user\n".encode()
    consultant.post(url("import", team), {"file": SimpleUploadedFile("roster.csv", data)})
    roster_import = RosterImport.objects.get()
    page = consultant.get(url("import_detail", team, roster_import.pk)).content.decode()
    assert only_key_user_message(team) in page
    assert "Confirm the import" not in page
    response = consultant.post(url("import_confirm", team, roster_import.pk), follow=True)
    assert "The file has problems" in response.content.decode()
    assert team.members[Role.KEY_USER].role == Role.KEY_USER


def test_an_unreadable_upload_is_refused_on_the_form(team, consultant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = consultant.post(url("import", team), {"file": SimpleUploadedFile("roster.pdf", b"%PDF")})
    assert response.status_code == 200
    assert "Upload a .csv or .xlsx file." in response.content.decode()
    assert not RosterImport.objects.exists()


def test_a_running_import_shows_its_progress_and_refreshes_itself(team, consultant):
    from django.core.cache import cache

    from team.roster.apply import progress_key

    roster_import = RosterImport.objects.create(
        project=team.project, filename="big.csv", row_count=2000, status=RosterImport.Status.QUEUED
    )
    cache.set(progress_key(roster_import.pk), 500)
    page = consultant.get(url("import_detail", team, roster_import.pk)).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'aria-valuenow="25"' in page
    assert "500 of 2000 rows" in page


def test_the_template_is_downloaded_in_both_formats(team, consultant):
    csv = consultant.get(url("import_template", team) + "?format=csv")
    assert csv.content.decode("utf-8-sig").splitlines()[0] == "name,username,email,department,role,modules,key_user"
    xlsx = consultant.get(url("import_template", team) + "?format=xlsx")
    assert xlsx["Content-Disposition"] == 'attachment; filename="roster-template.xlsx"'


UNREACHABLE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
}


def test_with_the_cache_unreachable_every_import_page_answers_and_the_import_runs(team, consultant, settings):
    from django.core.cache import cache
    from django.core.files.uploadedfile import SimpleUploadedFile
    from redis.exceptions import ConnectionError as RedisConnectionError

    queued = RosterImport.objects.create(
        project=team.project, filename="big.csv", row_count=2000, status=RosterImport.Status.QUEUED
    )
    settings.CACHES = UNREACHABLE_CACHE
    with pytest.raises(RedisConnectionError):
        cache.get("anything")
    assert consultant.get(url("import", team)).status_code == 200
    assert consultant.get(url("import_template", team)).status_code == 200
    page = consultant.get(url("import_detail", team, queued.pk))
    assert page.status_code == 200
    assert "Queued: the progress cannot be shown right now." in page.content.decode()
    response = consultant.post(url("import", team), {"file": SimpleUploadedFile("roster.csv", GOOD_ROWS_CSV)})
    roster_import = RosterImport.objects.latest("pk")
    assert response["Location"] == url("import_detail", team, roster_import.pk)
    assert consultant.get(response["Location"]).status_code == 200
    response = consultant.post(url("import_confirm", team, roster_import.pk), follow=True)
    assert response.status_code == 200
    assert "The roster is imported." in response.content.decode()
    roster_import.refresh_from_db()
    assert roster_import.status == RosterImport.Status.DONE
    assert consultant.get(url("import_detail", team, roster_import.pk)).status_code == 200
