"""What this app needs from the applications and assessment apps, in one place.

Imported when called, so the apps stay loosely coupled and tests can stand in for them here.
The names are the contract of docs/cycle-lifecycle.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecommendationView:
    """The assessment's recommendation, as the committee reads it."""

    outcome: str
    proposed_outcome: str = ""
    override_reason: str = ""
    flagged_requirement_ids: tuple[Any, ...] = ()
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _flagged_ids(rec: Any) -> tuple[Any, ...]:
    for name in ("flagged_requirement_ids", "flagged_ids", "flagged", "flagged_requirements"):
        value = getattr(rec, name, None)
        if value is not None:
            return tuple(getattr(v, "pk", v) for v in value)
    return ()


def recommendation_for(cycle: Any) -> RecommendationView | None:
    """The recommendation sent to the committee, or None when there is none (yet)."""
    try:
        from iasios.assessment.selectors import recommendation_for as assessment_recommendation
    except ImportError:
        return None
    rec = assessment_recommendation(cycle)
    if rec is None:
        return None
    outcome = str(getattr(rec, "outcome", "") or "")
    proposed = str(getattr(rec, "proposed_outcome", "") or getattr(rec, "proposed", "") or outcome)
    reason = str(getattr(rec, "override_reason", "") or getattr(rec, "reason", "") or "")
    reasons = tuple(str(r) for r in (getattr(rec, "reasons", ()) or ()))
    return RecommendationView(outcome, proposed, reason, _flagged_ids(rec), reasons)


def consolidated_ratings(cycle: Any) -> dict[Any, str]:
    """requirement id → consolidated rating."""
    try:
        from iasios.assessment.selectors import consolidated_ratings as ratings
    except ImportError:
        return {}
    return {getattr(k, "pk", k): str(getattr(v, "rating", v)) for k, v in (ratings(cycle) or {}).items()}


def assessor_ratings(cycle: Any) -> dict[Any, list[tuple[str, str, str]]]:
    """requirement id → [(assessor's name, rating, comment)] of the reviews submitted on the cycle."""
    try:
        from iasios.assessment.models import RequirementRating
    except ImportError:
        return {}
    rows: dict[Any, list[tuple[str, str, str]]] = {}
    ratings = (
        RequirementRating.objects.filter(assignment__cycle=cycle, assignment__submitted_at__isnull=False)
        .select_related("assignment__assessor")
        .order_by("assignment__assessor__name", "created_at")
    )
    for rating in ratings:
        assessor = rating.assignment.assessor
        rows.setdefault(rating.requirement_id, []).append(
            (assessor.name or assessor.email, str(rating.rating), str(rating.comment))
        )
    return rows


def latest_dossier(cycle: Any) -> Any:
    try:
        from iasios.applications.selectors import latest_dossier as latest
    except ImportError:
        return getattr(cycle, "dossier", None)
    return latest(cycle)


def cycle_mark_decided(*, cycle: Any) -> Any:
    from iasios.applications.services import cycle_mark_decided as mark_decided

    return mark_decided(cycle=cycle, actor=None)


def cycle_reopen_for_amendment(*, cycle: Any, requirement_ids: Iterable[Any]) -> Any:
    from iasios.applications.services import cycle_reopen_for_amendment as reopen

    return reopen(cycle=cycle, requirement_ids=list(requirement_ids), actor=None)


def cycle_reconsider(*, cycle: Any, actor: Any, reason: str) -> Any:
    from iasios.applications.services import cycle_reconsider as reconsider

    return reconsider(cycle=cycle, actor=actor, reason=reason)
