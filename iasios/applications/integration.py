"""What the applications app needs from other apps, in one place.

The case review app (iasios.casereview) provides `case_review_status(cycle)` for the
submission pre-flight and `case_review_snapshot(cycle)` for the dossier; the assessment app
`recommendation_ready(cycle)` and, when a dossier goes to assessment, `reviews_follow_dossier`;
the decisions app `recertification_open` and `full_term_completed`. They are imported when
called, so that the apps stay loosely coupled and tests can stand in for them here.
"""

from __future__ import annotations

import datetime
from typing import Any, Protocol

from django.urls import NoReverseMatch, reverse

from iasios.applications.models import Cycle


class CaseReviewStatus(Protocol):
    @property
    def complete(self) -> bool: ...
    @property
    def reviewed(self) -> int: ...
    @property
    def required(self) -> int: ...
    @property
    def blockers(self) -> list[str]: ...
    @property
    def url(self) -> str: ...


def case_review_status(cycle: Cycle) -> CaseReviewStatus:
    from iasios.casereview.selectors import case_review_status as status

    return status(cycle)


def case_review_snapshot(cycle: Cycle) -> dict[str, Any]:
    from iasios.casereview.selectors import case_review_snapshot as snapshot

    return snapshot(cycle)


def case_review_url(cycle: Cycle) -> str:
    """The case review page of a cycle."""
    try:
        return reverse("casereview:cycle", args=[cycle.pk])
    except NoReverseMatch:
        return f"/case-review/cycle/{cycle.pk}/"


# ----------------------------------------------------------------------------- assessment and decisions
#
# The contract of docs/cycle-lifecycle.md. Each is imported when called; until the other app
# provides it, the answer is the safe one (not ready, not open, no full term), so nothing moves
# forward on a missing rule.


def recommendation_ready(cycle: Cycle) -> bool:
    """Has the assessment produced a recommendation the committee can decide on?"""
    try:
        from iasios.assessment.selectors import recommendation_ready as ready
    except ImportError:
        return False
    return bool(ready(cycle))


def reviews_follow_dossier(*, cycle: Cycle, actor: Any = None) -> None:
    """A dossier revision went to assessment: the assessors' reviews of an earlier one reopen.

    Called by cycle_start_assessment inside its transaction, so the reviews move with the state.
    """
    try:
        from iasios.assessment.services import reviews_follow_dossier as follow
    except ImportError:
        return
    follow(cycle=cycle, actor=actor)


def recertification_open(facility: Any, today: datetime.date) -> bool:
    """Is the facility's re-certification window open today (its award ends soon)?"""
    try:
        from iasios.decisions.selectors import recertification_open as is_open
    except ImportError:
        return False
    return bool(is_open(facility, today))


def full_term_completed(facility: Any) -> bool:
    """Has the facility completed a full award term (a condition of aiming for Centre of Excellence)?"""
    try:
        from iasios.decisions.selectors import full_term_completed as completed
    except ImportError:
        return False
    return bool(completed(facility))


def has_current_award(facility: Any) -> bool:
    """Does the facility hold an award in force (valid or suspended)?"""
    try:
        from iasios.decisions.selectors import current_award
    except ImportError:
        return False
    return current_award(facility) is not None
