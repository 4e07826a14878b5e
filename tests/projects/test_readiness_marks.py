"""The readiness marks drawn by template tags: the same marks as a person reads them, in their language."""

import pytest
from django.template import Context, Template
from django.utils import translation

from projects.readiness import Check, Criterion, Level

MARKS = Template(
    "{% load readiness %}{% readiness_status status %}|{% readiness_icon level %}|{% readiness_cell check %}"
)


def render(**context) -> str:
    return MARKS.render(Context(context))


@pytest.mark.parametrize(("language", "words"), [("en", ["Not ready", "Failing"]), ("zh-hans", ["未就绪", "未达标"])])
def test_marks_speak_the_language_of_the_page_they_are_drawn_on(language, words):
    check = Check(Criterion.TRAINING, Level.FAILING, "40 %", "/evidence/?module=3")
    with translation.override(language):
        html = render(status="not_ready", level="failing", check=check)
    assert all(word in html for word in words)


def test_a_cell_links_to_its_evidence_and_a_stored_cell_has_no_link():
    live = Check(Criterion.BLOCKERS, Level.WARNING, "2 <S1>", "/issues/?module=3&status=open")
    html = render(status="", level="ok", check=live)
    assert '<a class="text-decoration-none" href="/issues/?module=3&amp;status=open">' in html
    assert "2 &lt;S1&gt;" in html  # the figure is escaped
    assert '<td class="text-center readiness-cell readiness-warning">' in html
    assert '<span class="text-body-secondary">—</span>' in html  # no status yet

    stored = render(status="ready", level="ok", check={"level": "failing", "value": "0 / 3", "reasons": []})
    cell = stored.split("|")[2]
    assert "readiness-failing" in cell
    assert "0 / 3" in cell
    assert "<a " not in cell
