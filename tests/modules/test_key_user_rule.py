"""The Key User rule through every service that could break it."""

import pytest
from django.core.exceptions import ValidationError

from modules import services as module_services
from modules.models import BusinessModule, KeyUserAssignment
from people.models import Membership
from team import services as team_services
from tests.factories import MembershipFactory, UserFactory, module_make

pytestmark = pytest.mark.django_db

Role = Membership.Role


def only_key_user_message(membership, module) -> str:
    return f"{membership.user.display_name} is the only Key User of {module.name}; assign another Key User first."


@pytest.fixture
def li_wei(team):
    membership = team.members[Role.KEY_USER]
    membership.user.first_name, membership.user.last_name = "Wei", "Li"
    membership.user.save()
    return membership


def test_a_module_cannot_be_created_without_a_key_user(team):
    with pytest.raises(ValidationError, match="needs at least one Key User"):
        module_services.module_create(project=team.project, code="wh", name="Warehouse", key_users=[])
    assert not BusinessModule.objects.filter(project=team.project, code="wh").exists()


def test_a_module_refuses_a_key_user_whose_role_is_not_key_user(team):
    with pytest.raises(ValidationError, match="not an active Key User"):
        module_services.module_create(
            project=team.project, code="wh", name="Warehouse", key_users=[team.members[Role.END_USER]]
        )
    assert not BusinessModule.objects.filter(project=team.project, code="wh").exists()


def test_a_module_refuses_a_key_user_of_another_project(team):
    outsider_membership = team.outsider.memberships.get()
    with pytest.raises(ValidationError, match="not a member of this project"):
        module_services.module_create(
            project=team.project, code="wh", name="Warehouse", key_users=[outsider_membership]
        )


def test_the_first_key_user_is_primary_and_the_others_backups(team):
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    module = module_make(project=team.project, key_users=[team.members[Role.KEY_USER], backup])
    kinds = dict(module.key_user_assignments.values_list("membership_id", "kind"))
    assert kinds == {team.members[Role.KEY_USER].pk: "primary", backup.pk: "backup"}


def test_the_last_key_user_cannot_be_unassigned(team, li_wei):
    assignment = team.module.key_user_assignments.get()
    with pytest.raises(ValidationError) as refused:
        module_services.key_user_unassign(assignment=assignment)
    assert refused.value.messages == ["Wei Li is the only Key User of Finance; assign another Key User first."]
    assert KeyUserAssignment.objects.filter(pk=assignment.pk).exists()


def test_unassigning_the_primary_hands_primary_to_the_backup(team):
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    module_services.key_user_assign(module=team.module, membership=backup)
    module_services.key_user_unassign(assignment=team.module.key_user_assignments.get(kind="primary"))
    assert list(team.module.key_user_assignments.values_list("membership_id", "kind")) == [(backup.pk, "primary")]


def test_a_new_primary_demotes_the_old_one(team):
    other = MembershipFactory(project=team.project, role=Role.KEY_USER)
    module_services.key_user_assign(module=team.module, membership=other, kind=KeyUserAssignment.Kind.PRIMARY)
    kinds = dict(team.module.key_user_assignments.values_list("membership_id", "kind"))
    assert kinds == {team.members[Role.KEY_USER].pk: "backup", other.pk: "primary"}


def test_replacing_the_only_key_user_in_one_step_works(team):
    other = MembershipFactory(project=team.project, role=Role.KEY_USER)
    module_services.key_user_assignment_update(
        assignment=team.module.key_user_assignments.get(), membership=other, kind="primary"
    )
    assert list(team.module.key_user_assignments.values_list("membership_id", flat=True)) == [other.pk]


def test_changing_the_last_key_users_role_is_refused(team, li_wei):
    with pytest.raises(ValidationError) as refused:
        team_services.membership_update(membership=li_wei, role=Role.END_USER, department="Finance")
    assert refused.value.messages == [only_key_user_message(li_wei, team.module)]
    li_wei.refresh_from_db()
    assert li_wei.role == Role.KEY_USER


def test_changing_a_key_users_role_drops_their_assignments_when_others_remain(team, li_wei):
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    module_services.key_user_assign(module=team.module, membership=backup)
    team_services.membership_update(membership=li_wei, role=Role.END_USER, department="Finance")
    assert list(team.module.key_user_assignments.values_list("membership_id", flat=True)) == [backup.pk]


def test_deactivating_the_last_key_user_is_refused(team, li_wei):
    with pytest.raises(ValidationError, match=only_key_user_message(li_wei, team.module)):
        team_services.membership_deactivate(membership=li_wei)
    li_wei.refresh_from_db()
    assert li_wei.is_active


def test_removing_the_last_key_user_from_the_project_is_refused(team, li_wei):
    with pytest.raises(ValidationError, match=only_key_user_message(li_wei, team.module)):
        team_services.membership_delete(membership=li_wei)
    assert Membership.objects.filter(pk=li_wei.pk).exists()


def test_deactivating_the_account_of_the_last_key_user_is_refused(team, li_wei):
    with pytest.raises(ValidationError, match=only_key_user_message(li_wei, team.module)):
        team_services.user_deactivate(user=li_wei.user)
    li_wei.user.refresh_from_db()
    assert li_wei.user.is_active


def test_an_inactive_key_user_does_not_count(team, li_wei):
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER, user=UserFactory())
    module_services.key_user_assign(module=team.module, membership=backup)
    team_services.user_deactivate(user=backup.user)
    with pytest.raises(ValidationError, match="only Key User of Finance"):
        team_services.membership_deactivate(membership=li_wei)


def test_the_refusal_names_every_module_that_would_be_orphaned(team, li_wei):
    warehouse = module_make(project=team.project, code="wh", name="Warehouse", key_users=[li_wei])
    with pytest.raises(ValidationError) as refused:
        team_services.membership_delete(membership=li_wei)
    assert refused.value.messages == [
        only_key_user_message(li_wei, team.module),
        only_key_user_message(li_wei, warehouse),
    ]


def test_deleting_a_module_takes_its_assignments_with_it(team):
    module_services.module_delete(module=team.module)
    assert not KeyUserAssignment.objects.filter(module_id=team.module.pk).exists()
