"""Readiness marks as template tags: the dashboard draws one per cell of its modules × criteria matrix
and one per reason (hundreds of each on a large rollout), where template loops and includes would cost
more than computing the figures."""

import functools
from html import escape  # the standard library's (see `_text`)

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from readiness.evidence import CRITERION_LABELS, page_url

register = template.Library()

# level → (icon, colour, words for a screen reader)
_LEVELS = {
    "ok": ("check-circle-fill", "text-success", lambda: _("Met")),
    "warning": ("exclamation-triangle-fill", "text-warning-emphasis", lambda: _("At risk")),
    "failing": ("x-circle-fill", "text-danger", lambda: _("Failing")),
}
# status → (badge colour, icon, word)
_STATUSES = {
    "ready": ("success", "check-circle-fill", lambda: _("Ready")),
    "at_risk": ("warning", "exclamation-triangle-fill", lambda: _("At risk")),
    "not_ready": ("danger", "x-octagon-fill", lambda: _("Not ready")),
}


# The marks are the same for every level (status) in a language: each is made once per language.


@functools.cache
def _icon(level: str, language: str) -> str:
    icon, colour, words = _LEVELS.get(level, _LEVELS["failing"])
    return format_html(
        '<i class="bi bi-{} {}" aria-hidden="true"></i><span class="visually-hidden">{}</span>', icon, colour, words()
    )


@functools.cache
def _badge(status: str, large: bool, language: str) -> str:
    if status not in _STATUSES:
        return format_html('<span class="text-body-secondary">{}</span>', "—")
    colour, icon, word = _STATUSES[status]
    return format_html(
        '<span class="badge text-bg-{}{}"><i class="bi bi-{}" aria-hidden="true"></i> {}</span>',
        colour,
        " readiness-status-lg" if large else "",
        icon,
        word(),
    )


@register.simple_tag
def readiness_icon(level: str) -> str:
    """A criterion's level: an icon, and its word for a screen reader."""
    return _icon(str(level), get_language())


@register.simple_tag
def readiness_status(status: str, large: bool = False) -> str:
    """A module's or a project's status as a badge (a dash when there is none yet)."""
    return _badge(str(status or ""), bool(large), get_language())


def _text(value) -> str:
    """A value as escaped text (Django's `escape` checks each argument for lazy strings first: slower)."""
    return escape(str(value))


def _markup(html: str) -> str:
    """Markup written in this module: fixed tags, and values that each went through `_text` (or are
    marks made by `format_html`)."""
    return mark_safe(html)


def _cell(level, value, url, language: str) -> str:
    level = str(level)
    mark = f'{_icon(level, language)}<span class="visually-hidden">:</span> {_text(value)}'
    if url:
        mark = f'<a class="text-decoration-none" href="{_text(url)}">{mark}</a>'
    return f'<td class="text-center readiness-cell readiness-{_text(level)}">{mark}</td>'


@register.simple_tag
def readiness_cell(check) -> str:
    """A matrix cell: the check's level and figure, linked to its evidence when it has some. `check` is a
    `readiness.evidence.Check`, or its dict in a stored snapshot's evidence."""
    if isinstance(check, dict):
        return _markup(_cell(check["level"], check["value"], check.get("url"), get_language()))
    return _markup(_cell(check.level, check.value, check.url, get_language()))


def _row(module, project_id: int | None, language: str) -> str:
    """A row of the modules × criteria matrix: the module (linked to its readiness page), its status and a
    cell per criterion. `module` is a `readiness.evidence.ModuleReadiness`, or (without `project_id`) its
    dict in a stored snapshot's evidence (not linked)."""
    if project_id is None:
        name, code, status = _text(module["name"]), module["code"], module["status"]
        cells = (_cell(c["level"], c["value"], c.get("url"), language) for c in module["checks"])
    else:
        name = _module_link(project_id, module.module)
        code, status = module.module.code, module.status
        cells = (_cell(c.level, c.value, c.url, language) for c in module.checks)
    return (
        f'<tr><th scope="row">{name} <span class="small text-body-secondary fw-normal text-nowrap">'
        f'{_text(code)}</span></th><td class="text-nowrap">{readiness_status(status)}</td>{"".join(cells)}</tr>'
    )


@register.simple_tag(takes_context=True)
def readiness_rows(context, modules, stored: bool = False) -> str:
    """The rows of the modules × criteria matrix (see `_row`); with `stored`, of a stored evidence's dicts."""
    project_id = None if stored else context["project"].pk
    language = get_language()
    return _markup("".join(_row(module, project_id, language) for module in modules))


def _module_link(project_id: int, module) -> str:
    """The module's name, linked to its readiness page."""
    url = page_url("readiness:module", project_id=project_id, module_id=module.pk)
    return f'<a href="{_text(url)}">{_text(module.name)}</a>'


def _reasons(reasons, labels: dict, language: str) -> str:
    return "".join(
        f'<li class="list-group-item d-flex gap-2 align-items-baseline">{_icon(str(check.level), language)} '
        f'<span><span class="text-body-secondary">{labels[check.criterion]}:</span> '
        f'<a href="{_text(reason.url)}">{_text(reason.text)}</a></span></li>'
        for check, reason in reasons
    )


@register.simple_tag(takes_context=True)
def readiness_reasons(context, modules) -> str:
    """A card per module that has reasons (`ModuleReadiness.reasons`), linked to its readiness page, with
    its status and its reasons as list items: level, criterion, and the reason linked to its evidence."""
    modules = [m for m in modules if m.reasons]
    if not modules:
        return ""
    language, project_id = get_language(), context["project"].pk
    labels = {criterion: _text(label) for criterion, label in CRITERION_LABELS.items()}  # each translated once
    return _markup(
        "".join(
            f'<div class="col-md-6 col-xxl-4"><section class="card h-100 shadow-sm" '
            f'aria-labelledby="reasons-{m.module.pk}"><div class="card-header bg-body d-flex align-items-center '
            f'gap-2"><h3 class="h6 mb-0" id="reasons-{m.module.pk}">{_module_link(project_id, m.module)}</h3>'
            f'<span class="ms-auto">{readiness_status(m.status)}</span></div>'
            f'<ul class="list-group list-group-flush small">{_reasons(m.reasons, labels, language)}</ul>'
            "</section></div>"
            for m in modules
        )
    )


@register.simple_tag
def chart_marks(chart) -> str:
    """The marks of a chart (`readiness.charts.Chart`) inside its <svg>: grid and ticks, bars, reference
    levels, markers and lines. Coordinates are written as Python writes numbers, whatever the language."""
    plot = chart.plot
    left, right, top, bottom = plot["left"], plot["right"], plot["top"], plot["bottom"]
    marks = [
        *(
            f'<line class="chart-grid" x1="{left}" x2="{right}" y1="{y}" y2="{y}"/>'
            f'<text x="{left - 6}" y="{y}" dy="4" text-anchor="end">{_text(label)}</text>'
            for y, label in chart.y_ticks
        ),
        f'<line class="chart-axis" x1="{left}" x2="{right}" y1="{bottom}" y2="{bottom}"/>',
        *(
            f'<text x="{x}" y="{bottom}" dy="18" text-anchor="middle">{_text(label)}</text>'
            for x, label in chart.x_ticks
        ),
        *(
            f'<rect class="{_text(style)}" x="{x}" y="{y}" width="{w}" height="{h}">'
            f"<title>{_text(title)}</title></rect>"
            for x, y, w, h, style, title in chart.bars
        ),
        *(
            f'<line class="chart-level" x1="{left}" x2="{right}" y1="{y}" y2="{y}"/>'
            f'<text x="{right}" y="{y}" dy="-4" text-anchor="end">{_text(label)}</text>'
            for y, label in chart.levels
        ),
        *(
            f'<line class="{_text(style)}" x1="{x}" x2="{x}" y1="{top}" y2="{bottom}"/>'
            f'<text x="{x}" y="{top}" dy="-4" text-anchor="{"end" if style == "chart-marker-target" else "middle"}">'
            f"{_text(label)}</text>"
            for x, label, style in chart.markers
        ),
        *(f'<polyline class="chart-line {_text(style)}" points="{_text(points)}"/>' for style, points in chart.lines),
    ]
    return _markup("\n".join(marks))


@functools.lru_cache(maxsize=4096, typed=True)
def _figure(value, language: str) -> str:
    # The charts' tables write a few hundred figures, the same ones all day: each is localised once per language.
    return _text(localize(value))


@register.simple_tag
def chart_rows(chart) -> str:
    """A chart's figures as table rows: the first cell of each heads its row."""
    language = get_language()
    return _markup(
        "".join(
            f'<tr><th scope="row" class="fw-normal text-nowrap">{_figure(first, language)}</th>'
            + "".join(f"<td>{_figure(cell, language)}</td>" for cell in cells)
            + "</tr>"
            for first, *cells in chart.rows
        )
    )
