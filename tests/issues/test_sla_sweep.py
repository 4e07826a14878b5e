"""The SLA breach sweep at size: once the breaches are recorded, a run reads nothing more, however many
issues are overdue. Time is frozen."""

import datetime

import pytest
import time_machine

from issues import services
from issues.models import Issue

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize("overdue", [2, 12])
def test_a_sweep_that_finds_nothing_new_is_one_query(issue_make, django_assert_num_queries, overdue):
    with time_machine.travel(T0, tick=False) as clock:
        for _ in range(overdue):
            issue_make(severity=Issue.Severity.S1)
        clock.move_to(T0 + datetime.timedelta(hours=9))
        assert services.sla_breaches_record() == 2 * overdue
        with django_assert_num_queries(1):
            assert services.sla_breaches_record() == 0
