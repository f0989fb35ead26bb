"""Labels for outcome and rating codes shown in committee pages and letters."""

from __future__ import annotations

from django import template

from iasios.applications.models import Claim
from iasios.decisions.models import AwardStatus, Outcome

register = template.Library()


@register.filter
def outcome_label(value: str) -> str:
    return str(dict(Outcome.choices).get(value, value or "—"))


@register.filter
def rating_label(value: str) -> str:
    return str(dict(Claim.choices).get(value, value or "—"))


@register.filter
def award_status_label(value: str) -> str:
    return str(dict(AwardStatus.choices).get(value, value))
