"""The completion rules (training/selectors.py): who is trained, who is certified, and the figures per
module, per department and for go-live access."""

import pytest

from modules.services import key_user_assign, module_end_user_add, module_end_user_remove, module_update
from people.models import Membership
from team.services import membership_deactivate
from tests.factories import MembershipFactory, module_make
from tests.training.conftest import at, end_user_make, held, session_make
from training import selectors, services
from training.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db

Role = Membership.Role
Kind = TrainingSession.Kind
S = Attendance.Status


def figures(team, module=None):
    row = selectors.module_completion(module=module or team.module)
    return (row.end_users.done, row.end_users.required), (row.key_users.done, row.key_users.required)


def trained(team, membership, module=None) -> bool:
    return membership.pk in selectors.trained_end_user_ids(module=module or team.module)


@pytest.mark.parametrize(
    ("status", "is_trained"), [(S.PRESENT, True), (S.LATE, True), (S.ABSENT, False), (S.EXCUSED, False)]
)
def test_an_end_user_is_trained_once_present_or_late_at_a_held_session(team, status, is_trained):
    person = end_user_make(team)
    held(session_make(team, start=at(-2)), {person: status})
    assert trained(team, person) is is_trained


def test_a_refresher_session_trains_like_an_end_user_session(team):
    person = end_user_make(team)
    held(session_make(team, kind=Kind.REFRESHER, start=at(-2)), {person: S.PRESENT})
    assert trained(team, person)


def test_being_invited_to_a_planned_session_does_not_train(team):
    person = end_user_make(team)
    services.attendees_invite(session=session_make(team), memberships=[person])
    assert not trained(team, person)


def test_a_cancelled_session_does_not_train_even_with_attendance_on_it(team):
    person = end_user_make(team)
    session = held(session_make(team, start=at(-2)), {person: S.PRESENT})
    TrainingSession.objects.filter(pk=session.pk).update(status=TrainingSession.Status.CANCELLED)
    assert not trained(team, person)


def test_a_session_not_marked_held_does_not_train(team):
    person = end_user_make(team)
    session = held(session_make(team, start=at(-2)), {person: S.PRESENT})
    TrainingSession.objects.filter(pk=session.pk).update(status=TrainingSession.Status.PLANNED)
    assert not trained(team, person)


@pytest.mark.parametrize(("passed", "is_trained"), [(True, True), (False, False), (None, False)])
def test_where_the_session_has_an_assessment_only_passing_it_trains(team, passed, is_trained):
    person = end_user_make(team)
    held(session_make(team, start=at(-2), has_assessment=True), {person: (S.PRESENT, passed)})
    assert trained(team, person) is is_trained


def test_a_late_attendee_who_failed_the_assessment_is_not_trained(team):
    person = end_user_make(team)
    held(session_make(team, start=at(-2), has_assessment=True), {person: (S.LATE, False)})
    assert not trained(team, person)


def test_a_failed_assessment_is_made_good_by_passing_a_refresher(team):
    person = end_user_make(team)
    held(session_make(team, start=at(-9), has_assessment=True), {person: (S.PRESENT, False)})
    held(session_make(team, kind=Kind.REFRESHER, start=at(-2), has_assessment=True), {person: (S.PRESENT, True)})
    assert trained(team, person)
    assert figures(team)[0] == (1, 1)


def test_training_for_one_module_does_not_count_for_another(team):
    warehouse = module_make(project=team.project, code="wm", name="Warehouse")
    person = end_user_make(team, team.module, warehouse)
    held(session_make(team, start=at(-2)), {person: S.PRESENT})
    assert trained(team, person, team.module)
    assert not trained(team, person, warehouse)


def test_a_person_who_changed_module_must_be_trained_for_the_new_one(team):
    warehouse = module_make(project=team.project, code="wm", name="Warehouse")
    person = end_user_make(team, team.module)
    held(session_make(team, start=at(-2)), {person: S.PRESENT})
    assert figures(team)[0] == (1, 1)

    module_end_user_remove(end_user=person.end_user_modules.get(module=team.module))
    module_end_user_add(module=warehouse, membership=person)

    assert figures(team)[0] == (0, 0)  # no longer required (nor counted) in Finance
    assert figures(team, warehouse)[0] == (0, 1)
    access = selectors.go_live_access(project=team.project).get(pk=person.pk)
    assert not access.ready
    assert [(m.module.name, m.trained) for m in access.access_modules] == [("Warehouse", False)]


def test_deactivated_end_users_are_no_longer_required(team):
    trained_person, gone = end_user_make(team), end_user_make(team)
    held(session_make(team, start=at(-2)), {trained_person: S.PRESENT})
    assert figures(team)[0] == (1, 2)
    membership_deactivate(membership=gone)
    assert figures(team)[0] == (1, 1)


def test_a_key_user_is_certified_only_when_present_at_a_held_train_the_trainer_session(team):
    key_user = team.members[Role.KEY_USER]
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    key_user_assign(module=team.module, membership=backup)
    held(session_make(team, kind=Kind.TRAIN_THE_TRAINER, start=at(-5)), {key_user: S.PRESENT, backup: S.LATE})
    assert selectors.certified_key_user_ids(module=team.module) == {key_user.pk}
    assert figures(team)[1] == (1, 2)


def test_an_end_user_session_does_not_certify_a_key_user_nor_train_the_trainer_train_end_users(team):
    person = end_user_make(team)
    held(session_make(team, kind=Kind.TRAIN_THE_TRAINER, start=at(-5)), {team.members[Role.KEY_USER]: S.PRESENT})
    assert not trained(team, person)
    Attendance.objects.create(
        session=session_make(team, kind=Kind.TRAIN_THE_TRAINER, start=at(-3)), membership=person, status=S.PRESENT
    )
    TrainingSession.objects.filter(start_at__lt=at(0)).update(status=TrainingSession.Status.HELD)
    assert not trained(team, person)


def test_per_module_figures_do_not_multiply_across_people_and_sessions(team):
    people = [end_user_make(team) for _ in range(3)]
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    key_user_assign(module=team.module, membership=backup)
    held(session_make(team, start=at(-4)), {people[0]: S.PRESENT, people[1]: S.ABSENT})
    held(session_make(team, kind=Kind.REFRESHER, start=at(-2)), {people[0]: S.PRESENT, people[1]: S.LATE})
    held(session_make(team, kind=Kind.TRAIN_THE_TRAINER, start=at(-8)), {backup: S.PRESENT})
    held(session_make(team, kind=Kind.TRAIN_THE_TRAINER, start=at(-7)), {backup: S.PRESENT})

    (row,) = selectors.module_training_completion(project=team.project, with_people=True)

    assert (row.end_users.done, row.end_users.required, row.end_users.percent) == (2, 3, 67)
    assert (row.key_users.done, row.key_users.required) == (1, 2)
    assert [m.membership for m in row.module.untrained_end_users] == [people[2]]
    assert [a.membership for a in row.module.uncertified_key_users] == [team.members[Role.KEY_USER]]
    assert selectors.untrained_end_users(module=team.module).get() == people[2]


def test_modules_out_of_scope_need_no_training(team):
    other = module_make(project=team.project, code="qm", name="Quality")
    end_user_make(team, other)
    module_update(module=other, in_scope=False)
    assert [row.module for row in selectors.module_training_completion(project=team.project)] == [team.module]


def test_project_totals_add_up_the_modules(team):
    warehouse = module_make(project=team.project, code="wm", name="Warehouse")
    a, b = end_user_make(team, team.module, warehouse), end_user_make(team, warehouse)
    held(session_make(team, start=at(-2)), {a: S.PRESENT})
    held(session_make(team, module=warehouse, trainer=team.members[Role.APP_CONSULTANT], start=at(-2)), {b: S.PRESENT})
    total = selectors.project_completion(selectors.module_training_completion(project=team.project))
    assert (total.end_users.done, total.end_users.required) == (2, 3)


def test_per_department_counts_people_trained_for_all_their_modules(team):
    warehouse = module_make(project=team.project, code="wm", name="Warehouse")
    fully = end_user_make(team, team.module, warehouse, department="Finance")
    partly = end_user_make(team, team.module, warehouse, department="Finance")
    stores = end_user_make(team, warehouse, department="Stores")
    held(session_make(team, start=at(-3)), {fully: S.PRESENT, partly: S.PRESENT})
    held(
        session_make(team, module=warehouse, trainer=team.members[Role.APP_CONSULTANT], start=at(-2)),
        {fully: S.PRESENT, stores: S.ABSENT},
    )

    rows = {row.department: row for row in selectors.department_training_completion(project=team.project)}

    assert (rows["Finance"].people.done, rows["Finance"].people.required) == (1, 2)
    assert (rows["Finance"].assignments.done, rows["Finance"].assignments.required) == (3, 4)
    assert (rows["Stores"].people.done, rows["Stores"].people.required) == (0, 1)


def test_go_live_access_lists_who_is_ready_and_what_the_others_miss(team):
    warehouse = module_make(project=team.project, code="wm", name="Warehouse")
    ready = end_user_make(team, team.module, username="ready")
    missing = end_user_make(team, team.module, warehouse, username="missing")
    no_module = MembershipFactory(project=team.project, role=Role.END_USER)
    held(session_make(team, start=at(-2)), {ready: S.PRESENT, missing: S.PRESENT})

    people = {m.pk: m for m in selectors.go_live_access(project=team.project)}

    assert people[ready.pk].ready
    assert (people[missing.pk].modules_trained, people[missing.pk].modules_required) == (1, 2)
    assert [m.module.name for m in people[missing.pk].access_modules if not m.trained] == ["Warehouse"]
    assert not people[no_module.pk].ready
    assert team.members[Role.KEY_USER].pk not in people
