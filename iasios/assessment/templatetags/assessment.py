"""Template helpers of the assessment: the assessor's worklist on the staff home page."""

from __future__ import annotations

from typing import Any

from django import template

from iasios.assessment.selectors import assignments_for_assessor

register = template.Library()


@register.simple_tag
def assessor_assignments(user: Any) -> list[Any]:
    """The assignments of `user` (the /assessor/ page renders through core's view)."""
    return assignments_for_assessor(user) if getattr(user, "is_authenticated", False) else []
