"""Hostile values in every query string and every form: NUL characters, a 10,000-character string,
dates in the years 1 and 9999, a 20-digit number, a negative one and a choice no list offers. Each
GET route with parameters (its filter or search form) and each form the permission matrix's pages show
gets each value in every field, one request per value: a 400 or the page with an error, never a server
error.

The forms and their fields are read from each page's HTML (tests/fuzz/forms.py), like the fuzz tests."""

import pytest
from django.test import Client
from django.urls import reverse

from people.models import Membership
from tests.fuzz.forms import forms_on
from tests.matrix import routes

pytestmark = pytest.mark.django_db

Role = Membership.Role

HOSTILE = {
    "nul": "a\x00b",
    "long": "x" * 10_000,
    "year 1": "0001-01-01",
    "year 9999": "9999-12-31T20:00",
    "huge": "99999999999999999999",
    "negative": "-1",
    "invalid choice": "not-a-choice",
}
# Forms of the layout that would end the session or switch the language.
SKIPPED_ACTIONS = {"/accounts/logout/", "/i18n/setlang/"}


def reader(route):
    """The first role that may read the route's page (the one whose forms it shows)."""
    for role in (Role.APP_CONSULTANT, Role.KEY_USER, Role.MANAGER, Role.END_USER, Role.IT_USER):
        if role in (route.get or ()) and (route.owners is None or role in route.owners):
            return role
    return None


def test_hostile_values_in_every_form_and_query_are_refused_without_a_server_error(world):
    sent, wrong, clients = set(), [], {}
    for name, route in sorted(routes().items()):
        role = reader(route)
        if route.public or role is None:
            continue
        if role not in clients:
            clients[role] = Client(raise_request_exception=False)
            clients[role].force_login(world.team.user(role))
        client = clients[role]
        response = client.get(reverse(name, kwargs=route.kwargs(world, "own")))
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for form in forms_on(response.content.decode(), response.wsgi_request.path):
            fields = sorted(set(form.fields) - {"csrfmiddlewaretoken"})
            key = (form.action, form.method, tuple(fields))
            # A form without fields is a button (cancel, delete…): nothing to send it but the click.
            if form.action in SKIPPED_ACTIONS or key in sent or not fields:
                continue
            sent.add(key)
            send = client.post if form.method == "post" else client.get
            for value, hostile in HOSTILE.items():
                answer = send(form.action, dict.fromkeys(fields, hostile))
                if answer.status_code >= 500:
                    wrong.append(f"{form.method.upper()} {form.action} as {role} with {value}: {answer.status_code}")
    assert not wrong, "\n".join(wrong)
