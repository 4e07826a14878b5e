"""Server-rendered SVG charts of readiness over time: the geometry is computed here and
`templates/readiness/_chart.html` draws it. Each chart carries a title, a description and its figures
as a table, so it reads without the picture and without JavaScript.
"""

import datetime
import functools
import math
from dataclasses import dataclass, field

from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from readiness.evidence import Forecast, ProjectReadiness, share
from readiness.models import ReadinessStatus

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 14, 18, 28
# The trends show this many days, today included; the burn-down looks this far ahead at most.
TREND_DAYS = 30
HORIZON_DAYS = 180
STATUSES = tuple(ReadinessStatus.values)  # in the order the bars stack


@dataclass
class Chart:
    key: str  # prefix of the element ids
    title: str
    description: str
    header: list[str]  # the figures as a table
    rows: list[list]
    legend: list[tuple[str, str]] = field(default_factory=list)  # (label, style)
    lines: list[tuple[str, str]] = field(default_factory=list)  # (style, "x,y x,y …")
    bars: list[tuple[float, float, float, float, str, str]] = field(default_factory=list)  # x, y, w, h, style, title
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    markers: list[tuple[float, str, str]] = field(default_factory=list)  # x, label, style (vertical lines)
    levels: list[tuple[float, str]] = field(default_factory=list)  # y, label (horizontal reference lines)
    width: int = WIDTH
    height: int = HEIGHT

    @property
    def plot(self) -> dict[str, float]:
        return {"left": LEFT, "right": self.width - RIGHT, "top": TOP, "bottom": self.height - BOTTOM}


def _nice_step(top: float) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) giving at most five ticks up to `top`."""
    raw = max(top, 1) / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


class _Frame:
    """Maps days and values onto the plot area."""

    def __init__(self, first: datetime.date, last: datetime.date, top: float):
        self.first = first
        self.span = max((last - first).days, 1)
        self.step = _nice_step(top)
        self.top = max(self.step * math.ceil(max(top, 1) / self.step), self.step)

    def x(self, day: datetime.date) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - self.first).days / self.span, 1)

    def y(self, value: float) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - BOTTOM - TOP) * value / self.top, 1)

    def y_ticks(self, suffix: str = "") -> list[tuple[float, str]]:
        count = round(self.top / self.step)
        return [(self.y(n * self.step), f"{n * self.step:g}{suffix}") for n in range(count + 1)]

    def x_ticks(self, first: datetime.date | None = None, last: datetime.date | None = None, count: int = 5):
        """About `count` labelled days from `first` to `last` (the frame's ends by default)."""
        first = first or self.first
        span = ((last or self.first + datetime.timedelta(days=self.span)) - first).days
        every = max(math.ceil(span / count), 1)
        ticks = [first + datetime.timedelta(days=n) for n in range(0, span + 1, every)]
        return [(self.x(day), _date(day, _("M j"), get_language())) for day in ticks]


def _polylines(frame: _Frame, days: list[datetime.date], values: list[float | None]) -> list[str]:
    """The points of a series, broken where a day has no figure."""
    segments, current = [], []
    for day, value in zip(days, values, strict=True):
        if value is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{frame.x(day)},{frame.y(value)}")
    if current:
        segments.append(current)
    return [" ".join(points if len(points) > 1 else points * 2) for points in segments]


@functools.lru_cache(maxsize=4096)
def _date(day: datetime.date, format_name: str, language: str) -> str:
    # A dashboard writes a hundred dates, the same ones all day long: each is formatted once per language.
    return date_format(day, format_name)


def _day(day: datetime.date) -> str:
    return _date(day, "SHORT_DATE_FORMAT", get_language())


def _with_reconstructed(rows: list[dict]) -> list[str]:
    return [_day(row["day"]) + (" *" if row["reconstructed"] else "") for row in rows]


def readiness_chart(trend: list[dict]) -> Chart:
    """Per day, the share of modules ready, at risk and not ready (stacked bars), and the share of all
    the modules' criteria met (a line), which moves before the statuses do."""
    days = [row["day"] for row in trend]
    # A day's bar is centred on the day: the frame reaches a day beyond the first and the last.
    one = datetime.timedelta(days=1)
    frame = _Frame(days[0] - one, days[-1] + one, 100)
    width = round(max((WIDTH - LEFT - RIGHT) / frame.span * 0.7, 1), 1)
    labels = {status: str(label) for status, label in ReadinessStatus.choices}  # each translated once
    met = [share(row["criteria_met"], row["criteria_checked"]) for row in trend]
    chart = Chart(
        key="chart-readiness",
        title=_("Readiness over time"),
        description=_(
            "Stacked bars, one per day from %(first)s to %(last)s, share the modules between ready, at risk and "
            "not ready; today %(ready)d ready, %(at_risk)d at risk, %(not_ready)d not ready. A line shows the share "
            "of criteria met, from %(start)s %% to %(now)s %%."
        )
        % {
            "first": _day(days[0]),
            "last": _day(days[-1]),
            "start": f"{met[0] or 0:g}",
            "now": f"{met[-1] or 0:g}",
            **{s: trend[-1][s] for s in STATUSES},
        },
        header=[_("Day"), *[labels[s] for s in STATUSES], _("Criteria met")],
        rows=[
            [label, *[row[s] for s in STATUSES], f"{share or 0:g} %"]
            for label, row, share in zip(_with_reconstructed(trend), trend, met, strict=True)
        ],
        legend=[(labels[s], f"chart-bar-{s}") for s in STATUSES] + [(_("Criteria met"), "chart-s-primary")],
        lines=[("chart-s-primary", points) for points in _polylines(frame, days, met)],
        x_ticks=frame.x_ticks(days[0], days[-1]),
        y_ticks=frame.y_ticks(" %"),
    )
    for row in trend:
        modules, base = sum(row[s] for s in STATUSES), 0
        day, x = _day(row["day"]), frame.x(row["day"]) - width / 2
        for status in STATUSES:
            if row[status]:
                top = frame.y(100 * (base + row[status]) / modules)
                bottom = frame.y(100 * base / modules)
                title = f"{day}: {labels[status]} {row[status]}"
                chart.bars.append((x, top, width, round(bottom - top, 1), f"chart-bar-{status}", title))
                base += row[status]
    return chart


def training_chart(trend: list[dict], *, ready: int) -> Chart:
    """Shares of end users trained and Key Users certified per day, with the "ready" threshold."""
    days = [row["day"] for row in trend]
    frame = _Frame(days[0], days[-1], 100)
    trained = [share(r["end_users_trained"], r["end_users"]) for r in trend]
    certified = [share(r["key_users_certified"], r["key_users"]) for r in trend]
    series = [
        (_("End users trained"), "chart-s-primary", trained),
        (_("Key Users certified"), "chart-s-info", certified),
    ]
    return Chart(
        key="chart-training",
        title=_("Training completion over time"),
        description=_(
            "Lines from %(first)s to %(last)s: the share of end users trained went from %(start)s %% to %(now)s %%, "
            "the share of Key Users certified from %(kstart)s %% to %(know)s %%; %(ready)d %% is ready."
        )
        % {
            "first": _day(days[0]),
            "last": _day(days[-1]),
            "start": f"{trained[0] or 0:g}",
            "now": f"{trained[-1] or 0:g}",
            "kstart": f"{certified[0] or 0:g}",
            "know": f"{certified[-1] or 0:g}",
            "ready": ready,
        },
        header=[_("Day"), _("End users trained"), _("Key Users certified")],
        rows=[
            [
                label,
                f"{row['end_users_trained']} / {row['end_users']}",
                f"{row['key_users_certified']} / {row['key_users']}",
            ]
            for label, row in zip(_with_reconstructed(trend), trend, strict=True)
        ],
        legend=[(label, style) for label, style, _values in series],
        lines=[(style, points) for _label, style, values in series for points in _polylines(frame, days, values)],
        x_ticks=frame.x_ticks(),
        y_ticks=frame.y_ticks(" %"),
        levels=[(frame.y(ready), _("ready"))],
    )


def issues_chart(trend: list[dict], forecast: Forecast) -> Chart:
    """Open issues and open blocking or S1–S2 issues per day, then the blocking ones' burn-down at the
    recent closing rate, against the target go-live."""
    days = [row["day"] for row in trend]
    ends = [days[-1], forecast.target] + ([forecast.zero_on] if forecast.zero_on else [])
    last = min(max(ends), forecast.today + datetime.timedelta(days=HORIZON_DAYS))
    frame = _Frame(days[0], last, max([r["open_issues"] or 0 for r in trend] + [forecast.open]))
    open_issues = [r["open_issues"] for r in trend]
    blockers = [r["open_blockers"] for r in trend]
    chart = Chart(
        key="chart-issues",
        title=_("Open issues and the blocking issues' burn-down"),
        description=_(
            "Lines from %(first)s to %(last)s: open issues, %(open)d today, and open blocking or S1–S2 issues, "
            "%(blockers)d today. %(forecast)s"
        )
        % {
            "first": _day(days[0]),
            "last": _day(days[-1]),
            "open": open_issues[-1] or 0,
            "blockers": blockers[-1] or 0,
            "forecast": forecast_sentence(forecast),
        },
        header=[_("Day"), _("Open issues"), _("Blocking or S1–S2")],
        rows=[
            [label, row["open_issues"], row["open_blockers"]]
            for label, row in zip(_with_reconstructed(trend), trend, strict=True)
        ],
        legend=[
            (_("Open issues"), "chart-s-secondary"),
            (_("Blocking or S1–S2"), "chart-s-danger"),
            (_("Forecast at the recent closing rate"), "chart-s-forecast"),
        ],
        x_ticks=frame.x_ticks(),
        y_ticks=frame.y_ticks(),
    )
    chart.lines += [("chart-s-secondary", p) for p in _polylines(frame, days, open_issues)]
    chart.lines += [("chart-s-danger", p) for p in _polylines(frame, days, blockers)]
    if forecast.open and forecast.zero_on:
        end = min(forecast.zero_on, last)
        remaining = (
            forecast.open * max((forecast.zero_on - end).days, 0) / max((forecast.zero_on - forecast.today).days, 1)
        )
        chart.lines.append(
            (
                "chart-s-forecast",
                f"{frame.x(forecast.today)},{frame.y(forecast.open)} {frame.x(end)},{frame.y(remaining)}",
            )
        )
    if forecast.target <= last:
        chart.markers.append((frame.x(forecast.target), _("target go-live"), "chart-marker-target"))
    chart.markers.append((frame.x(forecast.today), _("today"), "chart-marker-today"))
    return chart


def forecast_sentence(forecast: Forecast) -> str:
    """The burn-down forecast in words."""
    if forecast.open == 0:
        return _("No blocking or S1–S2 issue is open.")
    if forecast.zero_on is None:
        return _(
            "None was settled in the last %(days)d days: at that rate the %(open)d open ones never reach zero."
        ) % {"days": forecast.window_days, "open": forecast.open}
    values = {
        "open": forecast.open,
        "rate": f"{forecast.per_week:g}",
        "date": date_format(forecast.zero_on, "DATE_FORMAT"),
        "days": abs(forecast.margin_days),
    }
    if forecast.on_track:
        return (
            _(
                "At the recent rate of %(rate)s settled a week, the %(open)d open ones reach zero around %(date)s, "
                "%(days)d days before the target go-live."
            )
            % values
        )
    return (
        _(
            "At the recent rate of %(rate)s settled a week, the %(open)d open ones reach zero around %(date)s, "
            "%(days)d days after the target go-live."
        )
        % values
    )


def dashboard_charts(trend: list[dict], readiness: ProjectReadiness, forecast: Forecast) -> list[Chart]:
    """The dashboard's three charts (none before the first snapshot)."""
    if not trend:
        return []
    return [
        readiness_chart(trend),
        training_chart(trend, ready=readiness.thresholds.training_ready),
        issues_chart(trend, forecast),
    ]
