"""The capacity rule under concurrency: two schedulers filling the last place at the same moment."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.training.conftest import end_user_make, session_make
from training import services

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs real concurrent transactions; run with DATABASE_URL=postgres://…",
    ),
]


def test_two_schedulers_inviting_for_the_last_place_at_once_fill_it_once(team):
    session = session_make(team, capacity=1)
    people = [end_user_make(team), end_user_make(team)]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def invite(person):
        try:
            barrier.wait(timeout=10)
            services.attendees_invite(session=session, memberships=[person])
            outcomes.append("invited")
        except ValidationError as refused:
            outcomes.append(refused.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=invite, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    (refusal,) = [outcome for outcome in outcomes if outcome != "invited"]
    assert outcomes.count("invited") == 1
    assert "1 place, 1 of them taken" in refusal
    assert session.attendances.count() == 1
