"""The readiness marks drawn by template tags: the same marks as a person reads them, in their language."""

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from modules.models import BusinessModule
from projects.models import Project
from readiness.charts import Chart
from readiness.evidence import Check, Criterion, Level, ModuleFigures, ModuleReadiness, Reason
from readiness.models import ReadinessStatus

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


ROW = Template("{% load readiness %}{% readiness_rows rows stored %}|{% readiness_reasons modules %}")


def test_a_matrix_row_links_the_module_escapes_what_people_typed_and_a_stored_row_is_plain():
    module = BusinessModule(pk=7, code="fi<gl>", name='Finance & "GL"')
    url = "/p/3/issues/?module=7&status=open"
    check = Check(Criterion.BLOCKERS, Level.FAILING, "2", url, (Reason("Issue <b>#4</b> blocks go-live.", url),))
    figures = ModuleFigures(7, *[0] * 16)
    live = ModuleReadiness(module, figures, [check], ReadinessStatus.NOT_READY)
    ready = ModuleReadiness(BusinessModule(pk=8, code="mm", name="Purchasing"), figures, [], ReadinessStatus.READY)
    context = Context({"rows": [live], "modules": [live, ready], "project": Project(pk=3)})
    with translation.override("en"):
        row, reasons = ROW.render(context).split("|")
    page = reverse("readiness:module", args=[3, 7])
    assert f'<a href="{page}">Finance &amp; &quot;GL&quot;</a>' in row
    assert "fi&lt;gl&gt;" in row
    assert row.count("<td") == 2  # the status, then one cell per check
    assert '<td class="text-center readiness-cell readiness-failing">' in row
    assert 'href="/p/3/issues/?module=7&amp;status=open"' in row
    assert "Blocking and S1–S2 issues:</span>" in reasons
    assert "Issue &lt;b&gt;#4&lt;/b&gt; blocks go-live." in reasons
    assert 'href="/p/3/issues/?module=7&amp;status=open"' in reasons
    # A card for the module with reasons, headed by its name linked to its readiness page; none for the other.
    assert reasons.count("<section") == 1
    assert f'id="reasons-7"><a href="{page}">Finance &amp; &quot;GL&quot;</a></h3>' in reasons
    assert "Purchasing" not in reasons

    stored = {"name": "<Finance>", "code": "fi", "status": "ready", "checks": [{"level": "ok", "value": "3"}]}
    row = ROW.render(Context({"rows": [stored], "stored": True, "modules": [], "project": Project(pk=3)})).split("|")[0]
    assert "&lt;Finance&gt;" in row
    assert "<a " not in row
    assert "readiness-ok" in row


def test_chart_marks_and_figures_escape_their_labels():
    chart = Chart(
        key="chart-x",
        title="t",
        description="d",
        header=["Day", "Open"],
        rows=[["<1 May>", 1200]],
        bars=[(1.0, 2.0, 3.0, 4.0, "chart-bar-ready", "1 May: <ready> 3")],
        lines=[("chart-s-primary", "1.0,2.0 3.0,4.0")],
        x_ticks=[(10.0, "May <1>")],
        y_ticks=[(20.0, "50 %")],
    )
    html = Template("{% load readiness %}{% chart_marks chart %}|{% chart_rows chart %}").render(
        Context({"chart": chart})
    )
    marks, rows = html.split("|")
    assert "<title>1 May: &lt;ready&gt; 3</title>" in marks
    assert ">May &lt;1&gt;</text>" in marks
    assert '<polyline class="chart-line chart-s-primary" points="1.0,2.0 3.0,4.0"/>' in marks
    with translation.override("en"):
        rows = Template("{% load readiness %}{% chart_rows chart %}").render(Context({"chart": chart}))
    assert rows.startswith('<tr><th scope="row" class="fw-normal text-nowrap">&lt;1 May&gt;</th><td>1')
