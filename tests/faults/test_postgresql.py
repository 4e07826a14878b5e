"""A PostgreSQL backend terminated (pg_terminate_backend, from another connection) in the middle of a
request that writes many rows: the request fails at once, and writes nothing."""

import time
from unittest import mock

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

from people.models import Membership, RosterImport
from team import services as team_services
from team.roster.services import roster_import_create
from tests.faults.conftest import database_url
from tests.team.conftest import csv_bytes, snapshot

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

Role = Membership.Role
ROWS = 300  # imported inline, in the request: accounts, memberships, module links
FAST = 5.0  # seconds: failing is fine, hanging (the pool's or gunicorn's 30 s) is not


def terminate(pid: int) -> None:
    with psycopg.connect(database_url().replace("postgres://", "postgresql://", 1), autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)


@pytest.fixture
def killed_mid_import():
    """The request's backend is terminated once the import has written its accounts and memberships,
    before the rest of its work."""
    real = team_services.people_bulk_add

    def then_terminate(**kwargs):
        created = real(**kwargs)
        terminate(connection.connection.info.backend_pid)
        return created

    with mock.patch.object(team_services, "people_bulk_add", side_effect=then_terminate) as patched:
        yield patched


def confirm_import(team) -> tuple[RosterImport, object, float]:
    rows = [[f"Person {n}", f"pg.{n}", "", "Faults", "end_user", team.module.code, ""] for n in range(ROWS)]
    roster_import = roster_import_create(
        project=team.project, uploaded_by=team.user(Role.APP_CONSULTANT), filename="team.csv", data=csv_bytes(rows)
    )
    client = team.client_for(Role.APP_CONSULTANT)
    client.raise_request_exception = False
    started = time.monotonic()
    response = client.post(reverse("people:import_confirm", args=[team.project.pk, roster_import.pk]))
    return roster_import, response, time.monotonic() - started


def test_a_backend_terminated_mid_write_fails_the_request_at_once_and_writes_nothing(team, killed_mid_import):
    before = snapshot()
    roster_import, response, took = confirm_import(team)

    assert killed_mid_import.called
    assert response.status_code >= 500
    assert took < FAST
    assert snapshot() == before  # not one account, membership or module link of the file
    assert RosterImport.objects.get(pk=roster_import.pk).status != RosterImport.Status.DONE
    # The next request gets a new connection and works.
    assert team.client_for(Role.APP_CONSULTANT).get(reverse("people:list", args=[team.project.pk])).status_code == 200
    print(f"\nthe request whose backend was terminated failed in {took * 1000:.0f} ms")


def test_a_backend_terminated_mid_request_answers_the_database_busy_page(team, killed_mid_import):
    """A clear 503 ("try again"), not the server error page."""
    _roster_import, response, _took = confirm_import(team)
    assert response.status_code == 503
