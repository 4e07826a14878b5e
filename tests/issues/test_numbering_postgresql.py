"""Issue numbers under concurrency: people logging at the same moment get distinct numbers."""

import threading

import pytest
from django.db import connection

from issues import services
from issues.models import Issue
from people.models import Membership
from tests.factories import MembershipFactory, ProjectFactory, module_make

pytestmark = [
    pytest.mark.postgresql,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs real concurrent transactions"),
]


def test_four_people_logging_at_once_get_four_consecutive_numbers():
    project = ProjectFactory()
    key_users = [MembershipFactory(project=project, role=Membership.Role.KEY_USER) for _ in range(4)]
    module = module_make(project=project, key_users=key_users)
    barrier = threading.Barrier(4)
    failures: list[Exception] = []

    def log(reporter):
        try:
            barrier.wait(timeout=10)
            services.issue_create(
                module=module,
                title="Posting fails",
                description="",
                category=Issue.Category.DEFECT,
                severity=Issue.Severity.S3,
                reporter=reporter,
            )
        except Exception as error:  # collected and asserted below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=log, args=(k,)) for k in key_users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    assert sorted(Issue.objects.filter(project=project).values_list("number", flat=True)) == [1, 2, 3, 4]
