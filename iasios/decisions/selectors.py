"""Reads of decisions, appeals and awards, including what the apps above ask of this one.

`current_award`, `full_term_completed` and `recertification_open` are asked by the cycles app;
`allowed_outcomes` is what a cycle's decision may be (the vote form, the API and the vote service
ask it); `recommendation_for` is the assessment's recommendation with the award fact its rule
engine needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from iasios.applications.models import Cycle, CycleKind, CycleStatus
from iasios.applications.selectors import latest_dossier
from iasios.assessment import selectors as assessment_selectors
from iasios.assessment.models import RequirementRating
from iasios.decisions.dates import add_months
from iasios.decisions.models import (
    CURRENT_AWARD_STATES,
    ActionStatus,
    Appeal,
    AppealStatus,
    Award,
    AwardStatus,
    CorrectiveAction,
    Decision,
    DecisionStatus,
    Outcome,
    Vote,
)
from iasios.facilities.models import Facility
from iasios.standards.models import Requirement
from iasios.standards.programme import ProgrammeSettings
from iasios.standards.selectors import NoCurrentFramework, current_programme_settings


def programme_settings_for(cycle: Any) -> ProgrammeSettings:
    """The settings that govern a cycle's decision: those of the framework version it pinned."""
    return cycle.framework.settings  # type: ignore[no-any-return]


def current_programme_settings_or(fallback_cycle: Any) -> ProgrammeSettings:
    """The programme's current settings (the office may change windows for everyone), or the
    cycle's own when no framework is current."""
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


def next_award(facility: Facility) -> Award | None:
    """The facility's award granted by a re-certification that has not started yet (at most one)."""
    return Award.objects.filter(facility=facility, status=AwardStatus.PENDING).first()


def award_in_force(facility: Facility, today: date | None = None) -> Award | None:
    """The facility's accredited award in force on `today`: valid (not suspended) and within its term."""
    today = today or timezone.localdate()
    return Award.objects.filter(
        facility=facility, status=AwardStatus.VALID, valid_from__lte=today, valid_until__gte=today
    ).first()


def _excellence_refusal(kind: str, in_force: bool) -> str | None:
    if kind != CycleKind.RECERTIFICATION:
        return _("Centre of Excellence is possible only in a re-certification, not in a first application.")
    if not in_force:
        return _("Centre of Excellence is possible only for a centre that holds an accredited award in force.")
    return None


def _allowed(kind: str, in_force: bool) -> list[str]:
    refused = _excellence_refusal(kind, in_force) is not None
    return [outcome for outcome in Outcome.values if not (refused and outcome == Outcome.CENTRE_OF_EXCELLENCE)]


def centre_of_excellence_refusal(cycle: Cycle, today: date | None = None) -> str | None:
    """Why the cycle's decision cannot be Centre of Excellence, or None when it can.

    Centre of Excellence is an outcome only of a re-certification of a centre that holds an
    accredited award in force (DOMAIN §2.9); the new award then starts when that one ends, so the
    seal is in force only after the full term.
    """
    in_force = cycle.kind == CycleKind.RECERTIFICATION and award_in_force(cycle.facility, today) is not None
    return _excellence_refusal(cycle.kind, in_force)


def allowed_outcomes(cycle: Cycle, today: date | None = None) -> list[str]:
    """The outcomes the committee may decide on the cycle, in the order of `Outcome`."""
    return _allowed(cycle.kind, centre_of_excellence_refusal(cycle, today) is None)


def outcome_refusal(cycle: Cycle, outcome: str, today: date | None = None) -> str | None:
    """Why `outcome` cannot be the cycle's decision, or None when it can."""
    if outcome not in Outcome.values:
        return _("Choose one of the outcomes.")
    if outcome == Outcome.CENTRE_OF_EXCELLENCE:
        return centre_of_excellence_refusal(cycle, today)
    return None


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


def recommendation_for(cycle: Cycle, today: date | None = None) -> assessment_selectors.Recommendation:
    """The assessment's recommendation as the committee reads it (on `today`: the decision's date
    when one is taken). The rule engine asks whether the facility holds an accredited award in
    force: an award fact, known here."""
    in_force = award_in_force(cycle.facility, today) is not None
    return assessment_selectors.recommendation_for(cycle, accredited_award_in_force=in_force)


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


# ----------------------------------------------------------------------------- pages


def excluded_members_for(cycle: Cycle) -> set[Any]:
    """Members who took part in a decision on this cycle that was set aside on appeal."""
    return set(
        Vote.objects.filter(decision__cycle=cycle, decision__status=DecisionStatus.SET_ASIDE).values_list(
            "member_id", flat=True
        )
    )


@dataclass
class QueueRow:
    cycle: Any
    decision: Decision | None
    quorum: int
    votes: int
    my_vote: Vote | None
    excluded: bool
    allowed_outcomes: list[str]


def committee_queue(user: Any) -> list[QueueRow]:
    """Cycles with the committee, each with its open round's votes, in a fixed number of queries."""
    cycles = (
        Cycle.objects.filter(status=CycleStatus.WITH_COMMITTEE)
        .select_related("facility", "framework")
        .prefetch_related(
            Prefetch(
                "decisions",
                queryset=Decision.objects.filter(status=DecisionStatus.VOTING).prefetch_related(
                    "votes", "excluded_members"
                ),
                to_attr="open_rounds",
            )
        )
        .order_by("submitted_at", "created_at")
    )
    set_aside_voters: dict[Any, set[Any]] = {}
    for cycle_id, member_id in Vote.objects.filter(
        decision__status=DecisionStatus.SET_ASIDE, decision__cycle__status=CycleStatus.WITH_COMMITTEE
    ).values_list("decision__cycle_id", "member_id"):
        set_aside_voters.setdefault(cycle_id, set()).add(member_id)
    today = timezone.localdate()
    in_force = set(
        Award.objects.filter(
            facility__cycles__status=CycleStatus.WITH_COMMITTEE,
            status=AwardStatus.VALID,
            valid_from__lte=today,
            valid_until__gte=today,
        ).values_list("facility_id", flat=True)
    )
    rows = []
    for cycle in cycles:
        decision = cycle.open_rounds[0] if cycle.open_rounds else None
        votes = list(decision.votes.all()) if decision else []
        mine = next((v for v in votes if v.member_id == user.pk), None)
        rows.append(
            QueueRow(
                cycle=cycle,
                decision=decision,
                quorum=programme_settings_for(cycle).committee_quorum,
                votes=len(votes),
                my_vote=mine,
                excluded=user.pk in set_aside_voters.get(cycle.pk, set()),
                allowed_outcomes=_allowed(cycle.kind, cycle.facility_id in in_force),
            )
        )
    return rows


def appeals_lodged() -> list[Appeal]:
    return list(
        Appeal.objects.filter(status=AppealStatus.LODGED)
        .select_related("decision__cycle__facility", "lodged_by")
        .prefetch_related("decision__votes", "panel")
        .order_by("lodged_on", "created_at")
    )


def appeals_needing_panel() -> QuerySet[Appeal]:
    """Lodged appeals whose panel the office has not appointed yet, oldest first (the office's work)."""
    return (
        Appeal.objects.filter(status=AppealStatus.LODGED, panel_appointed_on__isnull=True)
        .select_related("decision__cycle__facility")
        .order_by("lodged_on", "created_at")
    )


@dataclass
class RatingRow:
    requirement: Any
    consolidated: str
    assessors: list[tuple[str, str, str]]
    flagged: bool


def assessor_ratings(cycle: Cycle) -> dict[int, list[tuple[str, str, str]]]:
    """requirement id → [(assessor's name, rating, comment)] of the reviews submitted on the cycle."""
    rows: dict[int, list[tuple[str, str, str]]] = {}
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


def committee_file(cycle: Cycle) -> dict[str, Any]:
    """What a member reads before voting: recommendation, dossier and ratings."""
    recommendation = recommendation_for(cycle)
    consolidated = assessment_selectors.consolidated_ratings(cycle)
    by_assessor = assessor_ratings(cycle)
    flagged = set(recommendation.flagged_requirement_ids)
    rows = [
        RatingRow(
            requirement=r,
            consolidated=consolidated.get(r.pk, ""),
            assessors=by_assessor.get(r.pk, []),
            flagged=r.pk in flagged,
        )
        for r in Requirement.objects.filter(framework_id=cycle.framework_id)
        .select_related("standard")
        .order_by("position")
    ]
    return {
        "recommendation": recommendation,
        "dossier": latest_dossier(cycle),
        "rows": rows,
        "decisions": list(
            Decision.objects.filter(cycle=cycle).exclude(status=DecisionStatus.VOTING).order_by("-round")
        ),
    }


def decision_detail(decision: Decision) -> dict[str, Any]:
    return {
        "votes": sorted(decision.votes.all(), key=lambda v: v.created_at),
        "actions": list(decision.corrective_actions.select_related("verified_by")),
        "areas": list(decision.areas_to_amend.select_related("standard").order_by("position")),
        "appeal": decision.appeals.select_related("lodged_by", "heard_by").prefetch_related("documents").first(),
        "award": Award.objects.filter(decision=decision).select_related("certificate").first(),
    }


def facility_record(facility: Facility) -> dict[str, Any]:
    """A facility's decisions (with appeals) and awards (with certificates)."""
    return {
        "decisions": list(
            Decision.objects.filter(cycle__facility=facility)
            .exclude(status=DecisionStatus.VOTING)
            .select_related("cycle")
            .prefetch_related("appeals")
            .order_by("-decided_on", "-round")
        ),
        "awards": list(
            Award.objects.filter(facility=facility).select_related("certificate").order_by("-valid_from", "-created_at")
        ),
        "current": current_award(facility),
    }


def decisions_for_office() -> QuerySet[Decision]:
    """Every taken decision (and those set aside), newest first; the overview shows the first 50."""
    return (
        Decision.objects.exclude(status=DecisionStatus.VOTING)
        .select_related("cycle__facility")
        .order_by("-decided_on", "-created_at")
    )


def office_overview() -> dict[str, Any]:
    return {
        "open_actions": list(
            CorrectiveAction.objects.filter(status=ActionStatus.OPEN)
            .select_related("decision__cycle__facility")
            .order_by("due_on")
        ),
        "recent": list(decisions_for_office()[:50]),
        "appeals": appeals_lodged(),
        "awards": list(
            Award.objects.select_related("facility", "certificate").order_by("status", "valid_until", "facility__name")
        ),
    }
