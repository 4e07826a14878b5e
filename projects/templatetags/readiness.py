"""Readiness marks as template tags: the dashboard draws one per cell of its modules × criteria matrix
(hundreds on a large rollout), where an include per cell would cost more than computing the figures."""

import functools

from django import template
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

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
        return format_html('<span class="text-body-secondary">—</span>')
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


@register.simple_tag
def readiness_cell(check) -> str:
    """A matrix cell: the check's level and figure, linked to its evidence when it has some. `check` is a
    `projects.readiness.Check`, or its dict in a stored snapshot's evidence."""
    if not isinstance(check, dict):
        check = {"level": check.level, "value": check.value, "url": check.url}
    mark = format_html('{}<span class="visually-hidden">:</span> {}', readiness_icon(check["level"]), check["value"])
    if check.get("url"):
        mark = format_html('<a class="text-decoration-none" href="{}">{}</a>', check["url"], mark)
    return format_html('<td class="text-center readiness-cell readiness-{}">{}</td>', check["level"], mark)


@register.simple_tag
def chart_marks(chart) -> str:
    """The marks of a chart (`projects.charts.Chart`) inside its <svg>: grid and ticks, bars, reference
    levels, markers and lines. Coordinates are written as Python writes numbers, whatever the language."""
    plot = chart.plot
    left, right, top, bottom = plot["left"], plot["right"], plot["top"], plot["bottom"]
    marks = [
        format_html_join(
            "\n",
            '<line class="chart-grid" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>'
            '<text x="{3}" y="{2}" dy="4" text-anchor="end">{4}</text>',
            ((left, right, y, left - 6, label) for y, label in chart.y_ticks),
        ),
        format_html('<line class="chart-axis" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>', left, right, bottom),
        format_html_join(
            "\n",
            '<text x="{}" y="{}" dy="18" text-anchor="middle">{}</text>',
            ((x, bottom, label) for x, label in chart.x_ticks),
        ),
        format_html_join(
            "\n",
            '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
            ((style, x, y, w, h, title) for x, y, w, h, style, title in chart.bars),
        ),
        format_html_join(
            "\n",
            '<line class="chart-level" x1="{0}" x2="{1}" y1="{2}" y2="{2}"/>'
            '<text x="{1}" y="{2}" dy="-4" text-anchor="end">{3}</text>',
            ((left, right, y, label) for y, label in chart.levels),
        ),
        format_html_join(
            "\n",
            '<line class="{0}" x1="{1}" x2="{1}" y1="{2}" y2="{3}"/>'
            '<text x="{1}" y="{2}" dy="-4" text-anchor="{4}">{5}</text>',
            (
                (style, x, top, bottom, "end" if style == "chart-marker-target" else "middle", label)
                for x, label, style in chart.markers
            ),
        ),
        format_html_join("\n", '<polyline class="chart-line {}" points="{}"/>', chart.lines),
    ]
    return format_html_join("\n", "{}", ((mark,) for mark in marks))


@register.simple_tag
def chart_rows(chart) -> str:
    """A chart's figures as table rows: the first cell of each heads its row."""
    return format_html_join(
        "",
        "<tr>{}</tr>",
        (
            (
                format_html(
                    '<th scope="row" class="fw-normal text-nowrap">{}</th>{}',
                    localize(row[0]),
                    format_html_join("", "<td>{}</td>", ((localize(cell),) for cell in row[1:])),
                ),
            )
            for row in chart.rows
        ),
    )
