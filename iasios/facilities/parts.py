"""Sections that apps above facilities add to the facility dashboard (billing: the invoices).

Facilities stands below billing in the layer order and imports nothing of it. An app above
registers its section once, from its AppConfig.ready(); the dashboard shows every registered
section the viewer may see, after the team, in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from iasios.facilities.models import Facility


@dataclass(frozen=True)
class DashboardPart:
    """A section of the facility dashboard.

    `context(viewer, facility)` returns the section's context, or None when the viewer may not
    see it. The template gets it as `part`. A context may name `to_pay`: the numbers of the
    documents the facility has to pay now, which the dashboard's next step names; and
    `next_step` (a `facilities.status.NextStep`): the one next step, which replaces the
    facility-level one (the site's section names the application's); and `has_decision`: the
    committee has decided on an application (the benchmark box speaks of it). `place` is "top" (right
    under the next step) or "main" (after the team).
    """

    name: str
    template: str
    context: Callable[[Any, Facility], dict[str, Any] | None]
    place: str = "main"


_PARTS: dict[str, DashboardPart] = {}


def register_dashboard_part(part: DashboardPart) -> None:
    """Add (or replace, by name) a section of the facility dashboard."""
    _PARTS[part.name] = part


@dataclass(frozen=True)
class ShownPart:
    template: str
    context: dict[str, Any]
    place: str = "main"


def dashboard_parts(viewer: Any, facility: Facility) -> list[ShownPart]:
    """The registered sections this viewer may see, with their contexts."""
    shown = []
    for part in _PARTS.values():
        context = part.context(viewer, facility)
        if context is not None:
            shown.append(ShownPart(part.template, context, part.place))
    return shown


def to_pay(parts: list[ShownPart]) -> list[str]:
    return [str(number) for part in parts for number in part.context.get("to_pay", ())]


def part_next_step(parts: list[ShownPart]) -> Any:
    """The next step a section names, if any (the first one wins)."""
    return next((part.context["next_step"] for part in parts if part.context.get("next_step")), None)
