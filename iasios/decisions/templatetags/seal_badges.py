"""`{% seal_badge facility %}` and `{% level_badge level %}`: the one badge of a facility's seal."""

from __future__ import annotations

from typing import Any

from django import template

from iasios.decisions.badges import facility_badge
from iasios.decisions.badges import level_badge as badge_of_level

register = template.Library()

BADGE_TEMPLATE = "facilities/includes/seal_badge.html"


@register.inclusion_tag(BADGE_TEMPLATE)
def seal_badge(facility: Any) -> dict[str, Any]:
    return {"badge": facility_badge(facility)}


@register.inclusion_tag(BADGE_TEMPLATE)
def level_badge(level: str) -> dict[str, Any]:
    return {"badge": badge_of_level(level)}


@register.simple_tag
def facility_seal(facility: Any) -> Any:
    """`{% facility_seal facility as badge %}`: the badge's facts (level, label, suspended)."""
    return facility_badge(facility)
