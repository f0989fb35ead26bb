"""Reads of decisions, appeals and awards, including what other apps ask of this one.

`current_award`, `full_term_completed` and `recertification_open` are the contract with the
applications and assessment apps (docs/cycle-lifecycle.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from iasios.decisions.dates import add_months
from iasios.decisions.models import CURRENT_AWARD_STATES, Award, AwardStatus
from iasios.facilities.models import Facility
from iasios.standards.programme import ProgrammeSettings


def programme_settings_for(cycle: Any) -> ProgrammeSettings:
    """The settings that govern a cycle's decision: those of the framework version it pinned."""
    return cycle.framework.settings  # type: ignore[no-any-return]


def current_programme_settings_or(fallback_cycle: Any) -> ProgrammeSettings:
    """The programme's current settings (the office may change windows for everyone), or the
    cycle's own when no framework is current."""
    from iasios.standards.selectors import NoCurrentFramework, current_programme_settings

    try:
        return current_programme_settings()
    except NoCurrentFramework:
        return programme_settings_for(fallback_cycle)


def current_award(facility: Facility) -> Award | None:
    """The facility's award in force or suspended (at most one, by a database constraint)."""
    return (
        Award.objects.filter(facility=facility, status__in=CURRENT_AWARD_STATES)
        .select_related("cycle__framework")
        .first()
    )


def awards_of(facility: Facility) -> QuerySet[Award]:
    return Award.objects.filter(facility=facility).order_by("-valid_from", "-created_at")


def full_term_completed(facility: Facility, today: date | None = None) -> bool:
    """Has the facility completed a full term of an award, as far as Centre of Excellence goes?

    Re-certification opens `recertification_opens_months` before an award ends, while the award
    still runs; the Centre of Excellence aim is chosen then. So a term counts as completed once
    its re-certification window has opened: today ≥ valid_until − recertification_opens_months.
    The award must have run its course in good standing: valid, expired or superseded by the
    next award — never withdrawn, and not while suspended.
    """
    today = today or timezone.localdate()
    for award in Award.objects.filter(
        facility=facility, status__in=[AwardStatus.VALID, AwardStatus.EXPIRED, AwardStatus.SUPERSEDED]
    ).select_related("cycle__framework"):
        opens = current_programme_settings_or(award.cycle).recertification_opens_months
        if today >= add_months(award.valid_until, -opens):
            return True
    return False


def recertification_opens_on(award: Award) -> date:
    opens = current_programme_settings_or(award.cycle).recertification_opens_months
    return add_months(award.valid_until, -opens)


def recertification_open(facility: Facility, today: date | None = None) -> bool:
    """The current award (valid or suspended) ends within `recertification_opens_months`."""
    today = today or timezone.localdate()
    award = current_award(facility)
    if award is None:
        return False
    return recertification_opens_on(award) <= today <= award.valid_until
