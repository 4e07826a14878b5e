"""No link on any page leads to a page its reader may not open: every demo login follows every link it
is shown, breadth first from the home page, and none answers 403, 404 or 500."""

import io
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from people.models import User

pytestmark = pytest.mark.django_db

LOGINS = ["consultant", "techconsultant", "keyuser", "ituser", "enduser", "manager"]
PAGES_PER_LOGIN = 400
# Not pages: logging out, files (exports, calendars, attachments, materials), the admin, static files.
SKIPPED = ("/accounts/logout/", "/export", "export=", "format=", ".ics", "/attachments/", "/materials/", "/screenshot/")
SKIPPED_PREFIXES = ("/static/", "/media/", "/admin/")


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")):
            self.hrefs.append(href)


def internal_links(page_url: str, html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        parts = urlsplit(urljoin(page_url, href))
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue
        url = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.path.startswith(SKIPPED_PREFIXES) or any(marker in url for marker in SKIPPED):
            continue
        links.append(url)
    return links


def crawl(client: Client) -> tuple[int, list[str]]:
    """Visit what the home page leads to; one page per path and set of query parameters (the values
    of a filter or a page number do not make another kind of page)."""
    seen = {("/", frozenset())}
    queue = deque([("/", "the login")])
    visited, problems = 0, []
    while queue and visited < PAGES_PER_LOGIN:
        url, linked_from = queue.popleft()
        response = client.get(url)
        visited += 1
        if response.status_code in (403, 404, 500):
            problems.append(f"{url} answered {response.status_code} (linked from {linked_from})")
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in internal_links(url, response.content.decode()):
            parts = urlsplit(link)
            key = (parts.path, frozenset(name for name, _value in parse_qsl(parts.query)))
            if key not in seen:
                seen.add(key)
                queue.append((link, url))
    return visited, problems


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        call_command("flush", interactive=False)


@pytest.mark.parametrize("username", LOGINS)
def test_no_link_shown_to_a_demo_login_leads_to_a_refusal_or_a_missing_page(demo, username):
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(username=username))
    visited, problems = crawl(client)
    assert visited > 10, f"{username} reached only {visited} pages"
    assert not problems, f"{username}:\n" + "\n".join(problems)
