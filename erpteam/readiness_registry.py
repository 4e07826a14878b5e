"""The readiness criteria registry, at the bottom of the import graph: each domain app declares the
criteria whose evidence it owns in its own `readiness` module (`modules/readiness.py`,
`training/readiness.py`, ...) with `criterion()`, and the readiness app composes them (it discovers
those modules when it loads). A criterion is its key, its label, where the matrix shows it (`order`),
how much it weighs among the top risks (`risk`, lower first) and its rule: from a module's figures,
the project's thresholds and the evidence links, a `Check`."""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.dispatch import Signal


class Level(StrEnum):
    OK = "ok"
    WARNING = "warning"
    FAILING = "failing"


@dataclass(frozen=True)
class Reason:
    """Why a check is not ok, with the page that shows the evidence."""

    text: str
    url: str


@dataclass(frozen=True)
class Check:
    criterion: str
    level: Level
    value: str  # what the matrix cell shows
    url: str  # the evidence behind the value
    reasons: tuple[Reason, ...] = ()

    @property
    def label(self) -> str:
        return REGISTRY[self.criterion].label


Rule = Callable[[Any, Any, Any], Check]  # (module figures, thresholds, evidence links) → Check


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    order: int
    risk: int
    rule: Rule


REGISTRY: dict[str, Criterion] = {}


def criterion(*, key: str, label: str, order: int, risk: int) -> Callable[[Rule], Rule]:
    """Declare the rule below as the criterion `key` (declaring a key again replaces it)."""

    def register(rule: Rule) -> Rule:
        REGISTRY[key] = Criterion(key=key, label=label, order=order, risk=risk, rule=rule)
        return rule

    return register


def criteria() -> list[Criterion]:
    """The declared criteria, in the order the matrix shows them."""
    return sorted(REGISTRY.values(), key=lambda c: c.order)


def level_of(done: int, total: int, ready: int, at_risk: int) -> Level:
    """The level of `done` out of `total` (exact: 199 of 200 is not 100 %)."""
    if done * 100 >= ready * total:
        return Level.OK
    return Level.WARNING if done * 100 >= at_risk * total else Level.FAILING


def percent_text(done: int, total: int) -> str:
    return f"{done * 100 // total} %" if total else "—"


# Sent after a project's readiness evidence changed in a way the models' own signals do not tell
# (`bulk_create`, `QuerySet.update()`): the readiness app listens and renews the project's summary.
# The domain apps call `evidence_changed` from their services, below readiness in the import graph.
EVIDENCE_CHANGED = Signal()


def evidence_changed(*, project_id: int) -> None:
    EVIDENCE_CHANGED.send(sender=None, project_id=project_id)
