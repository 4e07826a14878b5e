"""Redis killed (kill -9) while a roster import runs in a real Celery worker and while people use the
pages, then restarted: no page answers 500, the worker lives on, the import is written exactly once."""

import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from issues.models import Issue
from modules.services import module_end_user_add
from people.models import Membership, RosterImport, User
from team.roster.apply import progress_key
from team.roster.services import roster_import_confirm, roster_import_create
from tests.faults.conftest import DEEP, Worker, wait_until
from tests.team.conftest import csv_bytes

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

Role = Membership.Role
ROWS = 8_000  # 16 chunks of 500, a few seconds of work for the worker
# When Redis is killed: once the import has written this many rows (its progress, kept in Redis).
KILL_AFTER = [500, 4_000, 7_000] if DEEP else [1_000]


def roster(count: int) -> bytes:
    return csv_bytes([[f"Person {n}", f"fault.{n}", "", "Faults", "end_user", "", ""] for n in range(count)])


def progress(import_id: int) -> int:
    return cache.get(progress_key(import_id), 0)


def pages_in_use(team) -> list[tuple[str, int]]:
    """A round of what people do: read pages as several roles, and ask for help (a save whose email
    goes through the broker)."""
    project = team.project.pk
    answers = []
    for who in (Role.APP_CONSULTANT, Role.KEY_USER, Role.END_USER):
        client = team.client_for(who)
        client.raise_request_exception = False
        urls = (reverse("home"), reverse("projects:detail", args=[project]), reverse("issues:list", args=[project]))
        for url in urls:
            answers.append((f"GET {url} as {who}", client.get(url).status_code))
    client = team.client_for(Role.END_USER)
    client.raise_request_exception = False
    url = reverse("issues:create", args=[project])
    response = client.post(url, {"module": team.module.pk, "title": "Cannot post", "description": "F5 201"})
    answers.append((f"POST {url}", response.status_code))
    return answers


@pytest.mark.parametrize("kill_after", KILL_AFTER)
def test_a_redis_restart_while_an_import_runs_costs_no_page_no_worker_and_no_import(
    team, on_redis, worker: Worker, kill_after
):
    module_end_user_add(module=team.module, membership=team.members[Role.END_USER])
    roster_import = roster_import_create(
        project=team.project, uploaded_by=team.user(Role.APP_CONSULTANT), filename="team.csv", data=roster(ROWS)
    )
    roster_import_confirm(roster_import=roster_import)  # queued for the worker
    wait_until(lambda: progress(roster_import.pk) >= kill_after, timeout=60, what="the import to be under way")

    on_redis.kill()
    killed_at = time.monotonic()
    assert RosterImport.objects.get(pk=roster_import.pk).status == RosterImport.Status.QUEUED, "killed too late"
    while_down = pages_in_use(team)
    time.sleep(1)  # the worker meets the loss, and keeps trying to reconnect
    assert worker.alive(), worker.log[-3000:]

    on_redis.start()
    wait_until(
        lambda: RosterImport.objects.get(pk=roster_import.pk).status != RosterImport.Status.QUEUED,
        timeout=Worker.VISIBILITY_TIMEOUT + 45,
        what="the import to run again",
        every=0.2,
    )
    recovered_after = time.monotonic() - killed_at
    after = pages_in_use(team)

    assert RosterImport.objects.get(pk=roster_import.pk).status == RosterImport.Status.DONE
    # Written once: each row's account and membership, once.
    assert User.objects.filter(username__startswith="fault.").count() == ROWS
    assert Membership.objects.filter(project=team.project, department="Faults").count() == ROWS
    assert worker.alive()
    assert "Unrecoverable error" not in worker.log
    assert [page for page, status in while_down + after if status >= 500] == []
    assert Issue.objects.filter(title="Cannot post").count() == 2  # both help requests saved
    print(f"\nkilled after {kill_after} rows; the import was done {recovered_after:.1f} s after the kill")
