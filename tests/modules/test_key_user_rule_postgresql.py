"""The Key User rule in the database itself: a deferred constraint trigger on PostgreSQL."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from modules import services as module_services
from modules.models import BusinessModule, KeyUserAssignment
from people.models import Membership, User
from projects.models import Project
from tests.factories import MembershipFactory, ProjectFactory, module_make

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the Key User trigger exists on PostgreSQL only; run with DATABASE_URL=postgres://…",
    ),
]

Role = Membership.Role


@pytest.fixture
def finance():
    project = ProjectFactory()
    return module_make(project=project, code="fin", name="Finance")


def test_raw_sql_removing_the_last_key_user_fails_at_commit(finance):
    with (
        pytest.raises(IntegrityError, match="would be left without a Key User"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM modules_keyuserassignment WHERE module_id = %s", [finance.pk])
    assert KeyUserAssignment.objects.filter(module=finance).count() == 1


def test_queryset_delete_of_the_last_key_user_fails_at_commit(finance):
    with pytest.raises(IntegrityError, match="would be left without a Key User"), transaction.atomic():
        KeyUserAssignment.objects.filter(module=finance).delete()
    assert KeyUserAssignment.objects.filter(module=finance).count() == 1


def test_queryset_update_of_the_role_fails_at_commit(finance):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(key_user_assignments__module=finance).update(role=Role.END_USER)
    assert Membership.objects.filter(key_user_assignments__module=finance, role=Role.KEY_USER).exists()


def test_deactivating_the_account_by_update_fails_at_commit(finance):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(memberships__key_user_assignments__module=finance).update(is_active=False)


def test_inserting_a_module_without_a_key_user_fails_at_commit(finance):
    with pytest.raises(IntegrityError), transaction.atomic():
        BusinessModule.objects.create(project=finance.project, code="wh", name="Warehouse")
    assert not BusinessModule.objects.filter(code="wh").exists()


def test_a_module_deleted_with_its_assignments_commits(finance):
    with transaction.atomic():
        finance.delete()
    assert not BusinessModule.objects.filter(pk=finance.pk).exists()


def test_a_whole_project_can_be_deleted(finance):
    with transaction.atomic():
        Project.objects.filter(pk=finance.project_id).delete()
    assert not BusinessModule.objects.exists()


def test_two_people_removing_the_two_key_users_at_once_leave_one(finance):
    backup = MembershipFactory(project=finance.project, role=Role.KEY_USER)
    module_services.key_user_assign(module=finance, membership=backup)
    assignments = list(KeyUserAssignment.objects.filter(module=finance))
    assert len(assignments) == 2
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def remove(assignment):
        try:
            barrier.wait(timeout=10)
            module_services.key_user_unassign(assignment=assignment)
            outcomes.append("removed")
        except ValidationError as refused:
            outcomes.append(refused.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=remove, args=(a,)) for a in assignments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes)[1] == "removed"
    assert "is the only Key User of Finance" in sorted(outcomes)[0]
    assert KeyUserAssignment.objects.effective().filter(module=finance).count() == 1
