"""Deliverables: the standard list per project, what a new module gets, updates and sign-off."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from modules import services
from modules.catalog import STANDARD_DELIVERABLES
from modules.models import Deliverable, DeliverableType
from people.models import Membership
from tests.factories import MembershipFactory, module_make

pytestmark = pytest.mark.django_db

Role = Membership.Role
Status = Deliverable.Status


def test_a_new_module_gets_the_standard_deliverables_owned_by_its_primary_key_user(team):
    deliverables = list(team.module.deliverables.order_by("position"))
    assert [d.name for d in deliverables] == [str(entry.name) for entry in STANDARD_DELIVERABLES]
    assert {d.owner for d in deliverables} == {team.members[Role.KEY_USER]}
    assert {d.status for d in deliverables} == {Status.NOT_STARTED}
    process_design = deliverables[0]
    assert process_design.due_date == team.project.target_go_live - datetime.timedelta(days=120)


def test_each_project_has_its_own_editable_list(team):
    types = team.project.deliverable_types.order_by("position")
    training = types.get(name="Training material")
    services.deliverable_type_update(
        deliverable_type=training,
        name="Training material and sandbox",
        description="",
        position=training.position,
        due_days_before_go_live=None,
        is_active=True,
    )
    services.deliverable_type_update(
        deliverable_type=types.get(name="Cutover and data migration"),
        name="Cutover and data migration",
        description="",
        position=9,
        due_days_before_go_live=14,
        is_active=False,
    )
    module = module_make(project=team.project, key_users=[team.members[Role.KEY_USER]])
    names = list(module.deliverables.values_list("name", flat=True))
    assert "Training material and sandbox" in names
    assert "Cutover and data migration" not in names
    assert module.deliverables.get(name="Training material and sandbox").due_date is None
    # The other project's list is untouched, and the first module's deliverable keeps its name.
    assert team.other_project.deliverable_types.filter(name="Training material").exists()
    assert team.module.deliverables.filter(name="Training material").exists()


def test_a_new_standard_deliverable_can_be_added_to_the_existing_modules(team):
    services.deliverable_type_create(
        project=team.project, name="Authorisation concept", due_days_before_go_live=40, add_to_existing_modules=True
    )
    added = team.module.deliverables.get(name="Authorisation concept")
    assert added.owner == team.members[Role.KEY_USER]
    assert added.due_date == team.project.target_go_live - datetime.timedelta(days=40)
    assert not team.other_module.deliverables.filter(name="Authorisation concept").exists()


def test_a_standard_deliverable_name_is_unique_in_the_project(team):
    with pytest.raises(ValidationError, match="already has a deliverable named"):
        services.deliverable_type_create(project=team.project, name="master data")
    assert DeliverableType.objects.filter(project=team.project, name__iexact="master data").count() == 1


def test_signing_off_records_who_and_when_and_reopening_clears_it(team, time_machine):
    time_machine.move_to("2026-11-02 10:00:00+08:00")
    deliverable = team.module.deliverables.first()
    signer = team.user(Role.APP_CONSULTANT)
    signed = services.deliverable_update(
        deliverable=deliverable, acting_user=signer, status=Status.SIGNED_OFF, owner=deliverable.owner, due_date=None
    )
    assert (signed.signed_off_by, signed.signed_off_at.isoformat()) == (signer, "2026-11-02T02:00:00+00:00")
    time_machine.move_to("2026-11-03 10:00:00+08:00")
    again = services.deliverable_update(
        deliverable=deliverable,
        acting_user=team.user(Role.KEY_USER),
        status=Status.SIGNED_OFF,
        owner=deliverable.owner,
        due_date=None,
        note="Reviewed",
    )
    assert (again.signed_off_by, again.signed_off_at) == (signer, signed.signed_off_at)
    reopened = services.deliverable_update(
        deliverable=deliverable, acting_user=signer, status=Status.IN_PROGRESS, owner=deliverable.owner, due_date=None
    )
    assert (reopened.signed_off_by, reopened.signed_off_at) == (None, None)
    assert deliverable.history.count() == 4  # created, signed off, note, reopened


def test_the_owner_must_be_an_active_member_of_the_project(team):
    deliverable = team.module.deliverables.first()
    outsider = team.outsider.memberships.get()
    with pytest.raises(ValidationError, match="is not a member of this project"):
        services.deliverable_update(
            deliverable=deliverable, acting_user=None, status=Status.DONE, owner=outsider, due_date=None
        )
    inactive = MembershipFactory(project=team.project, role=Role.IT_USER, is_active=False)
    with pytest.raises(ValidationError, match="no longer active"):
        services.deliverable_update(
            deliverable=deliverable, acting_user=None, status=Status.DONE, owner=inactive, due_date=None
        )
    deliverable.refresh_from_db()
    assert deliverable.status == Status.NOT_STARTED


def test_end_users_are_added_in_bulk_once(team):
    end_user = team.members[Role.END_USER]
    services.module_end_users_add(pairs=[(team.module, end_user)])
    services.module_end_users_add(pairs=[(team.module, end_user)])
    assert team.module.end_users.count() == 1
    with pytest.raises(ValidationError, match="not an active end user"):
        services.module_end_users_add(pairs=[(team.module, team.members[Role.MANAGER])])


def test_leaving_the_end_user_role_drops_the_modules_worked_in(team):
    from team.services import membership_update

    end_user = team.members[Role.END_USER]
    services.module_end_user_add(module=team.module, membership=end_user)
    membership_update(membership=end_user, role=Role.KEY_USER, department="Finance")
    assert not team.module.end_users.exists()
