"""With the browser set to Chinese, every page of the Chinese demo reads in Chinese.

Each role's pages are found by following the links from the home page (so a new page is checked as
soon as something links to it). A page fails when a sentence of the catalog, or any English word that
is not a name, a code or a file format, is left in its text, its title or its tooltips.
"""

import io
import re
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from demo.base import PROJECT_CODE
from modules.models import BusinessModule
from people.models import User
from projects.models import Project
from tests.i18n.catalog import read_catalog

pytestmark = pytest.mark.django_db

BROWSER = "zh-CN,zh;q=0.9,en;q=0.5"  # what a browser set to Chinese sends
PAGES_PER_ROUTE = 2  # distinct objects per kind of page and role (e.g. two issues)
# Each role's main pages: the crawl must reach them (so that a broken link cannot shrink the test).
EVERYONE = {
    "home",
    "my_settings",
    "notifications:list",
    "search:results",
    "projects:detail",
    "issues:list",
    "issues:detail",
}
READINESS = {"portfolio", "readiness:dashboard", "readiness:module", "readiness:decision_list"}
MAIN_PAGES = {
    "consultant": EVERYONE
    | READINESS
    | {
        "people:list",
        "modules:list",
        "modules:detail",
        "training:list",
        "training:detail",
        "training:completion",
        "training:go_live_access",
        "acceptance:cycle_list",
        "acceptance:cycle_detail",
        "acceptance:scenario_list",
        "acceptance:scenario_detail",
        "acceptance:run_detail",
        "audit:list",
    },
    "keyuser": EVERYONE
    | READINESS
    | {"modules:detail", "training:list", "training:mine", "acceptance:cycle_detail", "acceptance:run_list"},
    "ituser": EVERYONE | READINESS | {"people:list", "training:go_live_access", "acceptance:cycle_list"},
    "enduser": EVERYONE | {"training:mine", "acceptance:run_list", "acceptance:run_detail"},
    "manager": EVERYONE
    | READINESS
    | {
        "people:list",
        "training:completion",
        "training:go_live_access",
        "acceptance:cycle_detail",
        "readiness:decision_detail",
        "readiness:decision_create",
        "audit:list",
    },
}
# Where the crawl starts: the home page, and a search (a form, not a link).
START = ["/", "/search/?q=%E5%BA%94%E4%BB%98"]  # 应付 (payables)
SKIPPED_PATHS = ("/admin/", "/static/", "/media/", "/accounts/logout/", "/i18n/")
# Names, products and file formats that stay as they are in a Chinese page.
KEPT_WORDS = {
    "erpteam",
    "English",  # the language switcher names each language in its own language
    "Excel",
    "WebP",
    "Office",
    "Outlook",
    "Google",
    "Oracle",
    "Fusion",
    "Dynamics",
    "Adobe",
    "Ctrl+P",
    "Keller",
    "GmbH",
    "xlsx",
    "csv",
    "ics",
    # Values typed into import files, quoted in the help of the import pages.
    "primary",
    "backup",
    "high",
    "medium",
    "low",
}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’_.@/+&-]*[A-Za-z0-9]")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}|<[^>]+>")


class PageText(HTMLParser):
    """What a person reads or hears on a page: text, title, tooltips, labels, confirmations, buttons.
    Code samples (file columns, values to type) and the list of time zones are left out."""

    SILENT = {"script", "style", "code"}
    SPOKEN = ("title", "aria-label", "placeholder", "alt", "data-confirm")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.silent = 0
        self.in_time_zones = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SILENT:
            self.silent += 1
        if tag == "select" and attrs.get("name") == "time_zone":
            self.in_time_zones = True
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        self.parts.extend(attrs[name] for name in self.SPOKEN if attrs.get(name))
        if tag in ("input", "button") and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SILENT:
            self.silent -= 1
        if tag == "select":
            self.in_time_zones = False

    def handle_data(self, data):
        if not self.silent and not self.in_time_zones:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


@pytest.fixture(scope="module")
def chinese_demo(django_db_setup, django_db_blocker):
    """The demo seeded in Chinese once for the module, in a transaction rolled back at its end; each
    test runs in a savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", lang="zh-hans", stdout=io.StringIO())
        yield Project.objects.get(code=PROJECT_CODE)
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def catalog_sentences() -> list[str]:
    """The catalog's English texts of more than one word, cut at their placeholders."""
    sentences = set()
    for entry in read_catalog()[1:]:
        for source in filter(None, [entry.msgid, entry.msgid_plural]):
            for piece in PLACEHOLDER.split(source):
                piece = " ".join(piece.split()).strip(" .,:;·–—()")
                if len(piece.split()) > 1 and WORD.search(piece):
                    sentences.add(piece)
    return sorted(sentences, key=len, reverse=True)


def kept_words() -> set[str]:
    """What is no translation's business: logins, email addresses, project and module codes, time zones."""
    words = KEPT_WORDS | zoneinfo.available_timezones()
    for username, email in User.objects.values_list("username", "email"):
        words |= {username, email, *WORD.findall(email)}
    words |= set(Project.objects.values_list("code", flat=True))
    words |= set(BusinessModule.objects.values_list("code", flat=True))
    return words


def english_words(text: str, kept: set[str]) -> list[str]:
    """Words of English left in a page: not kept data, acronyms (SAP, UAT…) or codes with digits."""
    return sorted(
        {
            word
            for word in WORD.findall(text)
            if word not in kept and not word.isupper() and not any(c.isdigit() or c in "_@" for c in word)
        }
    )


def crawl(client: Client):
    """Every page reachable from the home page, at most PAGES_PER_ROUTE per kind of page: (route, url, text)."""
    queue, seen, per_route = list(START), set(), {}
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            route = resolve(url.split("?")[0]).view_name
        except Resolver404:
            continue
        if per_route.get(route, 0) >= PAGES_PER_ROUTE:
            continue
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        per_route[route] = per_route.get(route, 0) + 1
        page = PageText()
        page.feed(response.content.decode())
        yield route, url, page.text
        for link in page.links:
            path = link.split("#")[0]
            if path.startswith("/") and "?" not in path and not path.startswith(SKIPPED_PATHS):
                queue.append(path)


def leftovers(text: str, sentences: list[str], kept: set[str]) -> list[str]:
    found = [f"“{sentence}”" for sentence in sentences if sentence in text]
    found += english_words(text, kept)
    if not CHINESE.search(text):
        found.append("no Chinese at all")
    return found


@pytest.mark.parametrize("username", MAIN_PAGES)
def test_every_page_of_the_chinese_demo_reads_in_chinese(chinese_demo, catalog_sentences, username):
    client = Client(headers={"accept-language": BROWSER})
    client.force_login(User.objects.get(username=username))
    kept = kept_words()
    routes, wrong = set(), {}
    for route, url, text in crawl(client):
        routes.add(route)
        for leftover in leftovers(text, catalog_sentences, kept):
            wrong.setdefault(leftover, url)
    assert not MAIN_PAGES[username] - routes, "pages not reached"
    assert not wrong, "English left in pages:\n" + "\n".join(
        f"{text}   (on {url})" for text, url in sorted(wrong.items())
    )


def test_the_error_and_login_pages_read_in_chinese(chinese_demo, catalog_sentences):
    kept = kept_words()
    anonymous = Client(headers={"accept-language": BROWSER})
    end_user = Client(headers={"accept-language": BROWSER})
    end_user.force_login(User.objects.get(username="enduser"))
    pages = [
        (anonymous, "/accounts/login/", 200),
        (end_user, f"/p/{chinese_demo.pk}/team/", 403),
        (end_user, "/p/999999/", 404),
    ]
    for client, url, status in pages:
        response = client.get(url)
        assert response.status_code == status
        page = PageText()
        page.feed(response.content.decode())
        found = leftovers(page.text, catalog_sentences, kept)
        assert not found, (url, found)
