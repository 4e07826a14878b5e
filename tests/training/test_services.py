"""Training services: scheduling, invitations and capacity, attendance, double bookings."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from modules.services import key_user_assign
from people.models import Membership
from tests.factories import MembershipFactory, module_make
from tests.training.conftest import at, end_user_make, held, session_make
from training import selectors, services
from training.models import Attendance, CalendarFeedToken, TrainingSession

pytestmark = pytest.mark.django_db

Role = Membership.Role
Kind = TrainingSession.Kind
S = Attendance.Status


def messages_of(error: pytest.ExceptionInfo) -> str:
    return " ".join(error.value.messages)


# --- scheduling ----------------------------------------------------------------------------------------


def test_a_consultant_gives_a_train_the_trainer_session(team):
    session = session_make(team, kind=Kind.TRAIN_THE_TRAINER)
    assert session.trainer == team.members[Role.APP_CONSULTANT]
    assert session.status == TrainingSession.Status.PLANNED


def test_a_key_user_cannot_give_a_train_the_trainer_session(team):
    with pytest.raises(ValidationError) as error:
        session_make(team, kind=Kind.TRAIN_THE_TRAINER, trainer=team.members[Role.KEY_USER])
    assert "given by a consultant" in messages_of(error)
    assert not TrainingSession.objects.exists()


def test_end_user_sessions_are_given_by_a_key_user_of_the_module(team):
    other_key_user = MembershipFactory(project=team.project, role=Role.KEY_USER)
    module_make(project=team.project, code="wm", key_users=[other_key_user])
    with pytest.raises(ValidationError) as error:
        session_make(team, trainer=other_key_user)
    assert "is not a Key User of Finance" in messages_of(error)


def test_a_trainer_from_another_project_is_refused(team):
    outsider = team.other_module.key_user_assignments.get().membership
    with pytest.raises(ValidationError) as error:
        session_make(team, trainer=outsider)
    assert "not an active member of this project" in messages_of(error)


def test_a_session_must_end_after_it_starts(team):
    with pytest.raises(ValidationError) as error:
        session_make(team, hours=0)
    assert "must end after it starts" in messages_of(error)


def test_lowering_the_capacity_below_the_people_invited_is_refused(team):
    session = session_make(team, capacity=5)
    services.attendees_invite(session=session, memberships=[end_user_make(team) for _ in range(3)])
    with pytest.raises(ValidationError) as error:
        services.session_update(session=session, capacity=2)
    assert "3 people are invited" in messages_of(error)
    services.session_update(session=session, capacity=3)
    session.refresh_from_db()
    assert session.capacity == 3


def test_a_session_with_invitees_cannot_switch_between_train_the_trainer_and_end_user(team):
    session = session_make(team, trainer=team.members[Role.APP_CONSULTANT])
    services.attendees_invite(session=session, memberships=[end_user_make(team)])
    with pytest.raises(ValidationError) as error:
        services.session_update(session=session, kind=Kind.TRAIN_THE_TRAINER)
    assert "cannot switch" in messages_of(error)


def test_moving_a_session_raises_its_calendar_sequence(team):
    session = session_make(team)
    services.session_update(session=session, title="Same time", capacity=30)
    session.refresh_from_db()
    assert session.sequence == 1  # the title shows in calendars
    services.session_update(session=session, capacity=25)
    session.refresh_from_db()
    assert session.sequence == 1
    services.session_update(session=session, start_at=at(2), end_at=at(2, 12))
    session.refresh_from_db()
    assert session.sequence == 2


def test_a_cancelled_session_can_no_longer_be_changed_or_filled(team):
    session = services.session_cancel(session=session_make(team))
    with pytest.raises(ValidationError):
        services.session_update(session=session, title="Back on")
    with pytest.raises(ValidationError):
        services.attendees_invite(session=session, memberships=[end_user_make(team)])


def test_a_held_session_cannot_be_cancelled(team):
    session = held(session_make(team, start=at(-1)), {end_user_make(team): S.PRESENT})
    with pytest.raises(ValidationError) as error:
        services.session_cancel(session=session)
    assert "was held" in messages_of(error)


# --- invitations -----------------------------------------------------------------------------------------


def test_inviting_more_people_than_places_is_refused_and_changes_nothing(team):
    session = session_make(team, capacity=2)
    services.attendees_invite(session=session, memberships=[end_user_make(team)])
    with pytest.raises(ValidationError) as error:
        services.attendees_invite(session=session, memberships=[end_user_make(team), end_user_make(team)])
    assert "2 places, 1 of them taken" in messages_of(error)
    assert "Invite beyond capacity" in messages_of(error)
    assert session.attendances.count() == 1


def test_the_scheduler_may_invite_beyond_capacity(team):
    session = session_make(team, capacity=1)
    services.attendees_invite(
        session=session, memberships=[end_user_make(team), end_user_make(team)], override_capacity=True
    )
    assert session.attendances.count() == 2


def test_excused_people_free_their_place(team):
    session = session_make(team, capacity=1, start=at(0, 0, 1))
    first = end_user_make(team)
    services.attendees_invite(session=session, memberships=[first])
    attendance = session.attendances.get()
    services.attendance_record(session=session, marks={attendance.pk: (S.EXCUSED, None)})
    services.attendees_invite(session=session, memberships=[end_user_make(team)])
    assert session.attendances.count() == 2


def test_people_already_invited_are_left_as_they_are(team):
    session = session_make(team)
    person = end_user_make(team)
    assert len(services.attendees_invite(session=session, memberships=[person])) == 1
    assert services.attendees_invite(session=session, memberships=[person]) == []
    assert session.attendances.count() == 1


@pytest.mark.parametrize(
    ("kind", "role", "message"),
    [
        (Kind.END_USER, Role.KEY_USER, "not an end user"),
        (Kind.REFRESHER, Role.MANAGER, "not an end user"),
        (Kind.TRAIN_THE_TRAINER, Role.END_USER, "not a Key User"),
    ],
)
def test_sessions_are_for_their_audience(team, kind, role, message):
    session = session_make(team, kind=kind)
    with pytest.raises(ValidationError) as error:
        services.attendees_invite(session=session, memberships=[MembershipFactory(project=team.project, role=role)])
    assert message in messages_of(error)


def test_people_from_another_project_or_deactivated_cannot_be_invited(team):
    session = session_make(team)
    stranger = MembershipFactory(project=team.other_project, role=Role.END_USER)
    gone = MembershipFactory(project=team.project, role=Role.END_USER, is_active=False)
    for person in (stranger, gone):
        with pytest.raises(ValidationError) as error:
            services.attendees_invite(session=session, memberships=[person])
        assert "not an active member of this project" in messages_of(error)


def test_the_not_yet_trained_are_the_module_people_neither_trained_nor_invited(team):
    trained, invited, waiting = end_user_make(team), end_user_make(team), end_user_make(team)
    elsewhere = end_user_make(team, module_make(project=team.project, code="wm"))
    held(session_make(team, start=at(-3)), {trained: S.PRESENT})
    session = session_make(team)
    services.attendees_invite(session=session, memberships=[invited])
    assert list(selectors.not_yet_completed(session=session)) == [waiting]
    assert elsewhere not in selectors.invite_candidates(session=session).filter(works_in_module=True)


def test_the_not_yet_certified_of_a_train_the_trainer_session_are_the_module_key_users(team):
    backup = MembershipFactory(project=team.project, role=Role.KEY_USER)
    key_user_assign(module=team.module, membership=backup)
    held(session_make(team, kind=Kind.TRAIN_THE_TRAINER, start=at(-3)), {backup: S.PRESENT})
    session = session_make(team, kind=Kind.TRAIN_THE_TRAINER)
    assert list(selectors.not_yet_completed(session=session)) == [team.members[Role.KEY_USER]]


def test_someone_whose_attendance_is_recorded_cannot_be_taken_off_the_list(team):
    person = end_user_make(team)
    session = held(session_make(team, start=at(-1)), {person: S.ABSENT})
    with pytest.raises(ValidationError):
        services.attendee_remove(attendance=session.attendances.get())
    assert session.attendances.count() == 1


# --- attendance ------------------------------------------------------------------------------------


def test_recording_attendance_marks_the_session_held_and_keeps_history(team):
    a, b = end_user_make(team), end_user_make(team)
    session = session_make(team, start=at(0, 0, 1))
    services.attendees_invite(session=session, memberships=[a, b])
    first, second = session.attendances.order_by("pk")
    services.attendance_record(session=session, marks={first.pk: (S.PRESENT, None)})
    services.attendance_record(session=session, marks={first.pk: (S.LATE, None), second.pk: (S.ABSENT, None)})
    session.refresh_from_db()
    assert session.status == TrainingSession.Status.HELD
    first.refresh_from_db()
    assert first.status == S.LATE
    assert [h.status for h in first.history.order_by("history_date")] == [S.INVITED, S.PRESENT, S.LATE]


def test_attendance_cannot_be_taken_long_before_the_session(team):
    session = session_make(team, start=at(3))
    services.attendees_invite(session=session, memberships=[end_user_make(team)])
    with pytest.raises(ValidationError) as error:
        services.attendance_record(session=session, marks={session.attendances.get().pk: (S.PRESENT, None)})
    assert "has not started yet" in messages_of(error)


def test_attendance_opens_an_hour_before_the_start(team):
    session = session_make(team, start=at(3))
    services.attendees_invite(session=session, memberships=[end_user_make(team)])
    services.attendance_record(
        session=session,
        marks={session.attendances.get().pk: (S.PRESENT, None)},
        now=session.start_at - datetime.timedelta(minutes=50),
    )
    assert session.attendances.get().status == S.PRESENT


def test_an_assessment_result_is_kept_only_for_attendees_of_a_session_with_an_assessment(team):
    a, b = end_user_make(team), end_user_make(team)
    with_assessment = held(
        session_make(team, start=at(-2), has_assessment=True), {a: (S.PRESENT, True), b: (S.ABSENT, True)}
    )
    assert dict(with_assessment.attendances.values_list("membership_id", "assessment_passed")) == {
        a.pk: True,
        b.pk: None,
    }
    without = held(session_make(team, start=at(-1)), {a: (S.PRESENT, True)})
    assert without.attendances.get().assessment_passed is None


def test_attendance_of_people_not_on_the_list_is_refused(team):
    session = session_make(team, start=at(-1))
    other = session_make(team, start=at(-3))
    services.attendees_invite(session=other, memberships=[end_user_make(team)])
    with pytest.raises(ValidationError) as error:
        services.attendance_record(session=session, marks={other.attendances.get().pk: (S.PRESENT, None)})
    assert "reload the page" in messages_of(error)


def test_a_cancelled_session_has_no_attendance_to_record(team):
    session = session_make(team, start=at(0, 0, 1))
    services.attendees_invite(session=session, memberships=[end_user_make(team)])
    services.session_cancel(session=session)
    with pytest.raises(ValidationError):
        services.attendance_record(session=session, marks={session.attendances.get().pk: (S.PRESENT, None)})


# --- double bookings ------------------------------------------------------------------------------------


def conflicts_of(session):
    return selectors.session_conflicts(selectors.session_detail(membership=session.trainer, pk=session.pk))


def test_a_trainer_giving_two_sessions_at_once_is_double_booked(team):
    first = session_make(team, start=at(1, 9), hours=3)
    second = session_make(team, start=at(1, 11), hours=2)
    assert conflicts_of(second) == {team.members[Role.KEY_USER].pk: [first]}


def test_an_attendee_in_two_sessions_at_once_is_double_booked(team):
    person = end_user_make(team)
    first = session_make(team, start=at(1, 9), hours=3, trainer=team.members[Role.APP_CONSULTANT])
    second = session_make(team, start=at(1, 10))
    services.attendees_invite(session=first, memberships=[person])
    services.attendees_invite(session=second, memberships=[person])
    conflicts = conflicts_of(second)
    assert conflicts == {person.pk: [first]}


def test_back_to_back_cancelled_or_excused_bookings_are_not_double_bookings(team):
    person = end_user_make(team)
    session_make(team, start=at(1, 7), hours=2)  # ends at 9:30 when the next starts
    cancelled = session_make(team, start=at(1, 10), trainer=team.members[Role.APP_CONSULTANT])
    services.attendees_invite(session=cancelled, memberships=[person])
    services.session_cancel(session=cancelled)
    excused = session_make(team, start=at(1, 10), trainer=team.members[Role.APP_CONSULTANT])
    services.attendees_invite(session=excused, memberships=[person])
    Attendance.objects.filter(session=excused).update(status=S.EXCUSED)
    session = session_make(team, start=at(1, 9, 30))
    services.attendees_invite(session=session, memberships=[person])
    assert conflicts_of(session) == {}


# --- calendar feed links ---------------------------------------------------------------------------------


def test_a_new_calendar_link_replaces_the_old_one(team):
    user = team.user(Role.END_USER)
    old = services.calendar_feed_token_get(user=user).token
    assert services.calendar_feed_token_get(user=user).token == old
    new = services.calendar_feed_token_reset(user=user).token
    assert new != old
    assert CalendarFeedToken.objects.get(user=user).token == new
