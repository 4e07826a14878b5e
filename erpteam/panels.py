"""Parts of one app's page that apps above it fill in (the module page's training, issues and acceptance
cards; where an issue was raised from), so the page's app imports none of them.

An app registers, in a module its AppConfig.ready imports, a function that returns its part's context
for the page's object and the signed-in member, empty when that member does not see it, with the
template that shows it (or none, where the page's own template shows the part); the page merges the
contexts and includes the templates in their order.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    order: int
    template: str | None
    context: Callable[..., dict]


class Panels:
    def __init__(self) -> None:
        self._panels: list[Panel] = []

    def register(self, *, order: int, template: str | None = None) -> Callable:
        def decorator(context: Callable[..., dict]) -> Callable[..., dict]:
            self._panels.append(Panel(order=order, template=template, context=context))
            self._panels.sort(key=lambda panel: panel.order)
            return context

        return decorator

    def context(self, **kwargs) -> dict:
        """Every registered part's context for these arguments, and `panel_templates`: the templates of
        the parts shown, in order."""
        merged: dict = {}
        templates = []
        for panel in self._panels:
            if context := panel.context(**kwargs):
                merged.update(context)
                if panel.template:
                    templates.append(panel.template)
        return {**merged, "panel_templates": templates}
