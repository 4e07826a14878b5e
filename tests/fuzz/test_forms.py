"""Every form of every page, as a consultant and as a Key User see it (and the manager's own), gets
arbitrary text, numbers, dates, choices and files (hypothesis): no answer is a server error, and a refused
submission (the form shown again, an error message, a 4xx) writes nothing.

The pages are the permission matrix's routes (tests/matrix.py) on its objects; the forms and their fields
are read from each page's HTML, so a new page or field is fuzzed without a line here. Each distinct form
(where it sends, and its fields) is fuzzed once, on the first page in route order that shows it. Deeper runs:
`FUZZ_EXAMPLES=200 .venv/bin/pytest tests/fuzz`.
"""

import copy
import os
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import ERROR, get_messages
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from hypothesis import HealthCheck, given, settings

from people.models import Membership
from tests.fuzz.database import changed_tables, database_state
from tests.fuzz.forms import Form, forms_on
from tests.fuzz.strategies import form_data
from tests.matrix import routes

pytestmark = pytest.mark.django_db

Role = Membership.Role

FUZZERS = [Role.APP_CONSULTANT, Role.KEY_USER]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
# Forms of the layout that would end the session or switch the language for the rest of the run.
SKIPPED_VIEWS = {"logout", "set_language"}
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


def pages():
    for name, route in sorted(routes().items()):
        if route.public or not route.get:
            continue
        for role in FUZZERS:
            if role in route.get and (route.owners is None or role in route.owners):
                yield name, role
        # Forms only a manager may send (the go / no-go decision), on the pages that show them.
        if route.post and Role.MANAGER in route.post and not set(FUZZERS) & route.post:
            yield name, Role.MANAGER


def wrote(queries) -> bool:
    return any(
        query["sql"].lstrip().upper().startswith(WRITES) and "django_session" not in query["sql"]
        for query in queries.captured_queries
    )


def refused(response) -> bool:
    if response.status_code in (301, 302, 303):
        return any(message.level >= ERROR for message in get_messages(response.wsgi_request))
    return True  # the form shown again with its errors, or a 4xx


class Fuzzer:
    """Submits one form again and again, each time in a savepoint rolled back after it."""

    def __init__(self, cookies, form: Form):
        self.cookies = cookies
        self.form = form
        self.baseline = None

    def submit(self, data: dict):
        client = Client(raise_request_exception=True)
        client.cookies = copy.deepcopy(self.cookies)
        after = None
        with transaction.atomic():
            if self.form.method == "post":
                with CaptureQueriesContext(connection) as queries:
                    response = client.post(self.form.action, data)
                if refused(response) and wrote(queries):  # statements ran: did they leave anything?
                    after = database_state()
            else:
                response = client.get(self.form.action, data)
            transaction.set_rollback(True)
        assert response.status_code < 500
        if after is not None:
            # Every example is rolled back: the state before any of them is the state now.
            self.baseline = self.baseline or database_state()
            changed = changed_tables(self.baseline, after)
            assert not changed, f"refused ({response.status_code}) but wrote to {changed}: {data!r}"

    def run(self):
        if not self.form.fields:
            self.submit({})
            return

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(data=form_data(self.form.fields))
        def submissions(data):
            self.submit(data)

        submissions()


PAGES = list(pages())


def page_forms(world, name: str, role: str) -> tuple[Client, list[tuple[tuple, Form]]]:
    """The page's forms, each with its key (who sends it, how, to which view, with which fields). The
    page must answer: a page that fails or refuses its own role would hide its forms from the fuzzer."""
    client = Client(raise_request_exception=True)
    client.force_login(world.team.user(role))
    url = reverse(name, kwargs=routes()[name].kwargs(world, "own"))
    response = client.get(url)
    assert response.status_code in (200, 302), f"GET {url} as {role}: {response.status_code}"
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return client, []
    found = []
    for form in forms_on(response.content.decode(), url):
        form.fields.pop("csrfmiddlewaretoken", None)
        view = resolve(urlsplit(form.action).path).view_name
        if view not in SKIPPED_VIEWS:
            found.append(((role, form.method, view, tuple(sorted(form.fields))), form))
    return client, found


@pytest.fixture(scope="module")
def form_owners(shared_world, django_db_blocker) -> dict[tuple, tuple[str, str]]:
    """Each distinct form → the first page (in route order) that shows it, where it is fuzzed: the same
    whatever order the tests run in, or when one runs alone."""
    owners = {}
    with django_db_blocker.unblock(), transaction.atomic():
        for name, role in PAGES:
            for key, _form in page_forms(shared_world, name, role)[1]:
                owners.setdefault(key, (name, role))
        transaction.set_rollback(True)
    return owners


@pytest.mark.parametrize(("name", "role"), PAGES)
def test_every_form_on_the_page_takes_anything_without_a_server_error(world, form_owners, name, role):
    client, found = page_forms(world, name, role)
    for key, form in found:
        if form_owners[key] == (name, role):
            Fuzzer(client.cookies, form).run()
