"""Training pages run the same number of queries whatever the number of sessions, people and modules."""

import pytest
from django.urls import reverse

from modules.services import module_end_user_add
from people.models import Membership
from tests.factories import MembershipFactory, module_make
from tests.querycount import assert_same_queries, queries_for
from tests.training.conftest import at, end_user_make, held, session_make
from training import services
from training.models import Attendance, TrainingSession

pytestmark = pytest.mark.django_db

Role = Membership.Role
S = Attendance.Status


@pytest.fixture
def world(team):
    """Today's session of the team's module (given by its Key User, the team's end user invited) and a
    way to grow the project around it."""
    me = team.members[Role.END_USER]
    module_end_user_add(module=team.module, membership=me)
    session = session_make(team, start=at(0, 0, 5), hours=23, has_assessment=True)
    services.attendees_invite(session=session, memberships=[me])

    def grow(n: int) -> None:
        for _ in range(n):
            key_user = MembershipFactory(project=team.project, role=Role.KEY_USER, department="Ops")
            module = module_make(project=team.project, key_users=[key_user])
            people = [end_user_make(team, module, team.module, department=f"Dept {n % 3}") for n in range(2)]
            module_end_user_add(module=module, membership=me)
            services.attendees_invite(session=session, memberships=people, override_capacity=True)
            held(session_make(team, module=module, trainer=key_user, start=at(-3)), {people[0]: S.PRESENT, me: S.LATE})
            held(
                session_make(team, module=module, kind=TrainingSession.Kind.TRAIN_THE_TRAINER, start=at(-9)),
                {key_user: S.PRESENT},
            )
            upcoming = session_make(team, module=module, trainer=key_user, start=at(2))
            services.attendees_invite(session=upcoming, memberships=[*people, me])

    return session, grow


PAGES = [
    ("list", False, Role.APP_CONSULTANT),
    ("list", False, Role.END_USER),
    ("detail", True, Role.APP_CONSULTANT),
    ("detail", True, Role.KEY_USER),
    ("detail", True, Role.END_USER),
    ("invite", True, Role.KEY_USER),
    ("attendance", True, Role.KEY_USER),
    ("sign_in_sheet", True, Role.MANAGER),
    ("completion", False, Role.MANAGER),
    ("mine", False, Role.END_USER),
    ("mine", False, Role.KEY_USER),
    ("go_live_access", False, Role.IT_USER),
]


@pytest.mark.parametrize(("name", "per_session", "role"), PAGES)
def test_pages_run_the_same_number_of_queries_at_two_sizes(team, world, name, per_session, role):
    session, grow = world
    args = [team.project.pk, session.pk] if per_session else [team.project.pk]
    address = reverse(f"training:{name}", args=args)
    client = team.client_for(role)
    services.calendar_feed_token_get(user=team.user(role))  # made once, on the first visit of "my training"
    grow(1)
    small = queries_for(client, address)
    grow(6)
    large = queries_for(client, address)
    assert_same_queries(small, large, url=address)
