"""Readiness marks as template tags: the dashboard draws one per cell of its modules × criteria matrix
and one per reason (hundreds of each on a large rollout), where template loops and includes would cost
more than computing the figures."""

import functools
from html import escape  # the standard library's: thousands of plain strings per matrix, each escaped once

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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


def _cell(level, value, url, language: str) -> str:
    level = str(level)
    mark = f'{_icon(level, language)}<span class="visually-hidden">:</span> {escape(str(value))}'
    if url:
        mark = f'<a class="text-decoration-none" href="{escape(url)}">{mark}</a>'
    return f'<td class="text-center readiness-cell readiness-{escape(level)}">{mark}</td>'


@register.simple_tag
def readiness_cell(check) -> str:
    """A matrix cell: the check's level and figure, linked to its evidence when it has some. `check` is a
    `projects.readiness.Check`, or its dict in a stored snapshot's evidence."""
    if isinstance(check, dict):
        return mark_safe(_cell(check["level"], check["value"], check.get("url"), get_language()))
    return mark_safe(_cell(check.level, check.value, check.url, get_language()))


@register.simple_tag(takes_context=True)
def readiness_row(context, module, stored: bool = False) -> str:
    """A row of the modules × criteria matrix: the module (linked to its readiness page), its status and a
    cell per criterion. `module` is a `projects.readiness.ModuleReadiness`, or with `stored` its dict in
    a stored snapshot's evidence (not linked)."""
    language = get_language()
    if stored:
        name, code, status = escape(module["name"]), module["code"], module["status"]
        cells = (_cell(c["level"], c["value"], c.get("url"), language) for c in module["checks"])
    else:
        url = reverse("projects:readiness_module", args=[context["project"].pk, module.module.pk])
        name = f'<a href="{escape(url)}">{escape(module.module.name)}</a>'
        code, status = module.module.code, module.status
        cells = (_cell(c.level, c.value, c.url, language) for c in module.checks)
    return mark_safe(  # every value is escaped above
        f'<tr><th scope="row">{name} <span class="small text-body-secondary fw-normal text-nowrap">'
        f'{escape(code)}</span></th><td class="text-nowrap">{readiness_status(status)}</td>{"".join(cells)}</tr>'
    )


@register.simple_tag
def readiness_reasons(reasons) -> str:
    """A module's reasons (`ModuleReadiness.reasons`) as list items: level, criterion, and the reason
    linked to its evidence."""
    language = get_language()
    return mark_safe(  # every value is escaped
        "".join(
            f'<li class="list-group-item d-flex gap-2 align-items-baseline">{_icon(str(check.level), language)} '
            f'<span><span class="text-body-secondary">{escape(str(check.label))}:</span> '
            f'<a href="{escape(reason.url)}">{escape(str(reason.text))}</a></span></li>'
            for check, reason in reasons
        )
    )


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
