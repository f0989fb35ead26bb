"""The seal a facility holds now, as its badge shows it everywhere (dashboard cards, the facility's
page, the office's facility page): Enrolled Centre, Accredited Centre or Centre of Excellence, a
suspended award shown as such, and the membership's state when the facility is not enrolled.

Lists annotate their facilities with `with_seal` (one subquery per column, so the count of
queries does not grow with the list); a single facility without the annotation is read here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from iasios.decisions.models import CURRENT_AWARD_STATES, Award, AwardStatus
from iasios.decisions.seals import ENROLLED, seal_label
from iasios.facilities.models import Facility, FacilityStatus

LEVEL_ANNOTATION = "seal_award_level"
STATUS_ANNOTATION = "seal_award_status"


@dataclass(frozen=True)
class Badge:
    """What the badge says; `css` names its colour class."""

    label: str
    css: str
    level: str = ""  # a seal level (decisions.seals) when the facility holds a seal
    suspended: bool = False


def with_seal(facilities: QuerySet[Facility]) -> QuerySet[Facility]:
    """Annotate each facility with its current award's level and status (valid or suspended)."""
    current = Award.objects.filter(facility=OuterRef("pk"), status__in=CURRENT_AWARD_STATES).order_by("-valid_from")
    return facilities.annotate(
        **{
            LEVEL_ANNOTATION: Subquery(current.values("level")[:1]),
            STATUS_ANNOTATION: Subquery(current.values("status")[:1]),
        }
    )


def _current(facility: Facility) -> tuple[str | None, str | None]:
    if hasattr(facility, LEVEL_ANNOTATION):
        return getattr(facility, LEVEL_ANNOTATION), getattr(facility, STATUS_ANNOTATION)
    row = (
        Award.objects.filter(facility=facility, status__in=CURRENT_AWARD_STATES)
        .order_by("-valid_from")
        .values_list("level", "status")
        .first()
    )
    return row if row else (None, None)


def level_badge(level: str) -> Badge:
    """The badge of a seal level (the public registry's level, for instance)."""
    return Badge(seal_label(level), f"badge-level-{level}", level)


def facility_badge(facility: Any) -> Badge:
    """The badge of a facility: its seal in force, or its membership's state when not enrolled."""
    if facility.status != FacilityStatus.ENROLLED:
        return Badge(str(facility.get_status_display()), f"badge-status-{facility.status}")
    level, status = _current(facility)
    if level and status == AwardStatus.SUSPENDED:
        return Badge(_("%(seal)s · suspended") % {"seal": seal_label(level)}, "badge-suspended", level, True)
    if level:
        return level_badge(level)
    return level_badge(ENROLLED)
