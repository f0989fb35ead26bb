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
    documents the facility has to pay now, which the dashboard's next step names.
    """

    name: str
    template: str
    context: Callable[[Any, Facility], dict[str, Any] | None]


_PARTS: dict[str, DashboardPart] = {}


def register_dashboard_part(part: DashboardPart) -> None:
    """Add (or replace, by name) a section of the facility dashboard."""
    _PARTS[part.name] = part


@dataclass(frozen=True)
class ShownPart:
    template: str
    context: dict[str, Any]


def dashboard_parts(viewer: Any, facility: Facility) -> list[ShownPart]:
    """The registered sections this viewer may see, with their contexts."""
    shown = []
    for part in _PARTS.values():
        context = part.context(viewer, facility)
        if context is not None:
            shown.append(ShownPart(part.template, context))
    return shown


def to_pay(parts: list[ShownPart]) -> list[str]:
    return [str(number) for part in parts for number in part.context.get("to_pay", ())]
