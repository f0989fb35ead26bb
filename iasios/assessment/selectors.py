"""Reads of the assessment: what the apps above ask of it, the pages' data, the decision clock.

Asked by the apps above: `is_assigned_assessor`, `recommendation_ready`, `recommendation_for`
(given whether the facility completed a full award term, a fact its caller knows),
`consolidated_ratings`. One assessor's review is read in `reviews.py`. Every page reader costs a
fixed number of queries.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from iasios.accounts.roles import ProgrammeRoleName
from iasios.applications import selectors as application_selectors
from iasios.applications.models import Cycle, CycleKind, CycleStatus, Dossier
from iasios.assessment import rules
from iasios.assessment.models import (
    ACTIVE_ASSIGNMENT_STATES,
    WORKING_ASSIGNMENT_STATES,
    AssessorProfile,
    Assignment,
    AssignmentStatus,
    Availability,
    ConsolidatedRating,
    EvidenceRequest,
    EvidenceRequestMessage,
    EvidenceRequestStatus,
    Outcome,
    OutcomeOverride,
    RequirementRating,
    Visit,
    VisitFinding,
)
from iasios.casereview import selectors as casereview_selectors
from iasios.standards.models import FrameworkVersion, Requirement

# Two assessors per application (DOMAIN.md §2 step 7). The programme settings carry no such
# number yet; a setting named `assessors_per_cycle` is read when it exists.
DEFAULT_ASSESSORS_PER_CYCLE = 2


def assessors_per_cycle(cycle: Cycle) -> int:
    return int(getattr(cycle.framework.settings, "assessors_per_cycle", DEFAULT_ASSESSORS_PER_CYCLE))


# ----------------------------------------------------------------------------- the contract


def is_assigned_assessor(user: Any, cycle: Cycle) -> bool:
    """Does `user` work on `cycle` through an accepted (or submitted) assignment? Cached per request."""
    if not getattr(user, "is_authenticated", False) or cycle is None:
        return False
    cache: dict[Any, bool] = user.__dict__.setdefault("_assessor_cycles", {})
    if cycle.pk not in cache:
        cache[cycle.pk] = Assignment.objects.filter(
            cycle_id=cycle.pk, assessor_id=user.pk, status__in=WORKING_ASSIGNMENT_STATES
        ).exists()
    return cache[cycle.pk]


def is_assessor_of_facility(user: Any, facility_id: Any) -> bool:
    """Assigned (accepted) on any cycle of the facility: opens the facility's evidence files."""
    if not getattr(user, "is_authenticated", False):
        return False
    cache: dict[Any, bool] = user.__dict__.setdefault("_assessor_facilities", {})
    if facility_id not in cache:
        cache[facility_id] = Assignment.objects.filter(
            cycle__facility_id=facility_id, assessor_id=user.pk, status__in=WORKING_ASSIGNMENT_STATES
        ).exists()
    return cache[facility_id]


def forget_assessor_cache(user: Any) -> None:
    for key in ("_assessor_cycles", "_assessor_facilities"):
        getattr(user, "__dict__", {}).pop(key, None)


# ----------------------------------------------------------------------------- dossiers


DOSSIER_ORDER = ("number", "created_at")


def latest_dossier(cycle: Cycle) -> Dossier | None:
    return application_selectors.latest_dossier(cycle)


def dossier_revisions(cycle: Cycle) -> list[Dossier]:
    """Every dossier revision of the cycle, oldest first."""
    return list(
        Dossier.objects.filter(cycle=cycle).order_by(*DOSSIER_ORDER).select_related("signed_by").defer("snapshot")
    )


def changed_references(old: Dossier, new: Dossier) -> set[str]:
    """References of the requirements whose answer or evidence differ between two revisions."""
    return {change.requirement for change in application_selectors.dossier_changes(old, new)}


def requirements_of(cycle: Cycle) -> list[Requirement]:
    return list(
        Requirement.objects.filter(framework_id=cycle.framework_id).select_related("standard").order_by("position")
    )


@dataclass(frozen=True)
class Round:
    """The dossier revision under assessment and what must be (re-)rated in it."""

    dossier: Dossier | None
    previous: Dossier | None
    number: int
    # None: everything (first round); else the requirement ids flagged or changed.
    scope: frozenset[int] | None
    changed_refs: frozenset[str] = frozenset()

    def in_scope(self, requirement_id: int) -> bool:
        return self.scope is None or requirement_id in self.scope


def current_round(cycle: Cycle, requirements: list[Requirement] | None = None, *, snapshot: bool = True) -> Round:
    """The round under assessment; `snapshot=False` when the caller reads no answers (the
    snapshots are then read only to compare two revisions)."""
    # Only the two newest revisions are read (numbered 1, 2, … in the cycle).
    dossiers = Dossier.objects.filter(cycle=cycle).order_by("-number", "-created_at")
    if not snapshot:
        dossiers = dossiers.defer("snapshot")  # read below only to compare two revisions
    revisions = list(dossiers[:2])[::-1]
    dossier = revisions[-1] if revisions else None
    previous = revisions[-2] if len(revisions) > 1 else None
    if dossier is None or previous is None:
        return Round(dossier, None, dossier.number if dossier else 0, None)
    requirements = requirements if requirements is not None else requirements_of(cycle)
    changed = changed_references(previous, dossier)
    flagged = {
        pk
        for pk, rating in ConsolidatedRating.objects.filter(cycle=cycle).values_list("requirement_id", "rating")
        if rating not in rules.COUNTS_AS_MET
    }
    scope = {r.pk for r in requirements if r.reference in changed} | flagged
    return Round(dossier, previous, dossier.number, frozenset(scope), frozenset(changed))


def rating_is_current(rating: Any, round_: Round) -> bool:
    """A rating counts in this round when it was given on this dossier or its requirement is not re-rated."""
    return rating.dossier_id == getattr(round_.dossier, "pk", None) or not round_.in_scope(rating.requirement_id)


# ----------------------------------------------------------------------------- assessors and assignments


def assignments_for_assessor(user: Any) -> list[Assignment]:
    return list(
        Assignment.objects.filter(assessor=user)
        .exclude(status__in=[AssignmentStatus.WITHDRAWN])
        .select_related("cycle__facility", "cycle__framework")
        .annotate(
            rated=Count("ratings", distinct=True),
            open_requests=Count(
                "evidence_requests", filter=Q(evidence_requests__status=EvidenceRequestStatus.OPEN), distinct=True
            ),
        )
        .order_by("-created_at")
    )


def active_assignments(cycle: Cycle) -> list[Assignment]:
    return list(
        Assignment.objects.filter(cycle=cycle, status__in=ACTIVE_ASSIGNMENT_STATES)
        .select_related("assessor")
        .order_by("created_at")
    )


def cycle_assignments(cycle: Cycle) -> list[Assignment]:
    return list(
        Assignment.objects.filter(cycle=cycle)
        .select_related("assessor", "assigned_by")
        .annotate(rated=Count("ratings"))
        .order_by("created_at")
    )


def assessor_profiles() -> QuerySet[AssessorProfile]:
    return AssessorProfile.objects.select_related("user").annotate(
        active=Count("user__assignments", filter=Q(user__assignments__status__in=ACTIVE_ASSIGNMENT_STATES))
    )


def conflict_reasons(profile: AssessorProfile, facility: Any) -> list[str]:
    """Why this assessor may not assess this facility (empty: no known conflict)."""
    reasons = []
    if profile.country and profile.country.upper() == (facility.country or "").upper():
        reasons.append(_("same country as the facility (%(country)s)") % {"country": facility.country})
    if profile.institution.strip() and profile.institution.strip().casefold() == (
        (facility.institution or "").strip().casefold()
    ):
        reasons.append(_("same institution as the facility (%(name)s)") % {"name": facility.institution})
    return reasons


@dataclass
class Candidate:
    profile: AssessorProfile
    conflicts: list[str]
    already: bool
    active_load: int

    @property
    def eligible(self) -> bool:
        return not self.conflicts and not self.already and self.profile.availability != Availability.UNAVAILABLE

    @property
    def notes(self) -> list[str]:
        notes = list(self.conflicts)
        if self.already:
            notes.append(_("already assigned to this application"))
        if self.profile.availability == Availability.UNAVAILABLE:
            notes.append(_("unavailable"))
        return notes


def assignment_candidates(cycle: Cycle) -> list[Candidate]:
    """Every assessor of the pool with the reasons they cannot be assigned to this cycle; eligible first."""
    taken = set(
        Assignment.objects.filter(cycle=cycle, status__in=ACTIVE_ASSIGNMENT_STATES).values_list(
            "assessor_id", flat=True
        )
    )
    candidates = [
        Candidate(p, conflict_reasons(p, cycle.facility), p.user_id in taken, getattr(p, "active", 0))
        for p in assessor_profiles().filter(user__programme_role_set__role=ProgrammeRoleName.ASSESSOR)
    ]
    candidates.sort(key=lambda c: (not c.eligible, c.active_load, str(c.profile.user).casefold()))
    return candidates


# ----------------------------------------------------------------------------- evidence requests and the clock


def requests_of_cycle(cycle: Cycle) -> list[EvidenceRequest]:
    return list(
        EvidenceRequest.objects.filter(cycle=cycle)
        .select_related("requirement__standard", "assignment__assessor")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=EvidenceRequestMessage.objects.select_related("author").prefetch_related(
                    "revisions__document"
                ),
            )
        )
        .order_by("status", "due_on", "created_at")
    )


def request_thread(request: EvidenceRequest) -> list[EvidenceRequestMessage]:
    return list(
        EvidenceRequestMessage.objects.filter(request=request)
        .select_related("author")
        .prefetch_related("revisions__document")
        .order_by("created_at")
    )


def overdue_requests(*, today: datetime.date | None = None) -> list[EvidenceRequest]:
    """Open requests past their due date, oldest due first."""
    today = today or timezone.localdate()
    return list(
        EvidenceRequest.objects.filter(status=EvidenceRequestStatus.OPEN, due_on__lt=today)
        .select_related("cycle__facility", "requirement__standard", "assignment__assessor")
        .order_by("due_on", "created_at")
    )


CLOCK_STATES = (CycleStatus.IN_ASSESSMENT, CycleStatus.WITH_COMMITTEE)


@dataclass(frozen=True)
class ClockReading:
    """A cycle's decision clock as read at one moment, without the cycle itself (long lists read
    only the columns they show: `clock_readings`)."""

    cycle_id: Any
    running_since: datetime.datetime | None
    open_requests: int
    days: int | None
    target_min_weeks: int
    target_max_weeks: int

    @property
    def paused(self) -> bool:
        return self.open_requests > 0

    @property
    def weeks(self) -> float | None:
        return None if self.days is None else round(self.days / 7, 1)

    @property
    def whole_weeks(self) -> int | None:
        return None if self.days is None else self.days // 7

    @property
    def phase(self) -> str:
        """Where the clock is, for its words: paused, not_started, started (its first week), before
        the target, within it, beyond it."""
        if self.paused:
            return "paused"
        if self.days is None:
            return "not_started"
        if self.days < 7:
            return "started"
        if self.days < self.target_min_weeks * 7:
            return "before"
        if self.days <= self.target_max_weeks * 7:
            return "within"
        return "beyond"

    @property
    def colour(self) -> str:
        """green before the target, amber inside the target, red past its maximum; grey when paused."""
        return {"paused": "paused", "not_started": "paused", "within": "amber", "beyond": "red"}.get(
            self.phase, "green"
        )


@dataclass(frozen=True)
class DecisionClock(ClockReading):
    cycle: Cycle


def _clock_annotated(cycles: QuerySet[Cycle] | None) -> QuerySet[Cycle]:
    """The cycles (by default every cycle on the clock) with what their clock is read from: the
    latest dossier revision, the open requests, the last answered (or accepted) request."""
    if cycles is None:
        cycles = Cycle.objects.filter(status__in=CLOCK_STATES)
    latest_dossier_at = Dossier.objects.filter(cycle=OuterRef("pk")).order_by("-created_at").values("created_at")[:1]
    return cycles.annotate(
        dossier_at=Subquery(latest_dossier_at),
        open_count=Count(
            "evidence_requests", filter=Q(evidence_requests__status=EvidenceRequestStatus.OPEN), distinct=True
        ),
        answered_at=Max(
            "evidence_requests__answered_at",
            filter=Q(evidence_requests__status__in=[EvidenceRequestStatus.ANSWERED, EvidenceRequestStatus.ACCEPTED]),
        ),
    )


def _clock_reading(
    cycle_id: Any,
    dossier_at: datetime.datetime | None,
    answered_at: datetime.datetime | None,
    open_count: int,
    targets: tuple[int, int],
    now: datetime.datetime,
) -> dict[str, Any]:
    """A clock's fields by the clock rule: it counts from the later of the latest dossier and the last answer to a
    request, and is paused while a request is open."""
    starts = [t for t in (dossier_at, answered_at) if t is not None]
    since = max(starts) if starts else None
    days = None if since is None or open_count else max(0, (now - since).days)
    return {
        "cycle_id": cycle_id,
        "running_since": since,
        "open_requests": open_count,
        "days": days,
        "target_min_weeks": targets[0],
        "target_max_weeks": targets[1],
    }


def _targets(framework_ids: set[Any]) -> dict[Any, tuple[int, int]]:
    """Each framework version's decision target (a handful of versions, parsed once each)."""
    return {
        pk: (f.settings.decision_target_weeks_min, f.settings.decision_target_weeks_max)
        for pk, f in FrameworkVersion.objects.in_bulk(framework_ids).items()
    }


def decision_clocks(
    cycles: QuerySet[Cycle] | None = None, *, now: datetime.datetime | None = None
) -> list[DecisionClock]:
    """The decision clock of each cycle, with the cycle and its facility, in two queries whatever
    the number of cycles.

    The clock counts from the last evidence: the later of the latest dossier revision and the
    last answered (or accepted) evidence request. While any request of the cycle is open it is
    paused; when the answer arrives it counts again from the answer.
    """
    now = now or timezone.now()
    rows = list(_clock_annotated(cycles).select_related("facility").order_by("facility__name"))
    # One instance per framework version (a handful), not a copy with its settings parsed per cycle.
    frameworks = FrameworkVersion.objects.in_bulk({cycle.framework_id for cycle in rows})
    targets = {
        pk: (f.settings.decision_target_weeks_min, f.settings.decision_target_weeks_max) for pk, f in frameworks.items()
    }
    clocks = []
    for cycle in rows:
        cycle.framework = frameworks[cycle.framework_id]
        fields = _clock_reading(
            cycle.pk,
            cycle.dossier_at,  # type: ignore[attr-defined]
            cycle.answered_at,  # type: ignore[attr-defined]
            cycle.open_count,  # type: ignore[attr-defined]
            targets[cycle.framework_id],
            now,
        )
        clocks.append(DecisionClock(cycle=cycle, **fields))
    return clocks


def clock_readings(
    cycles: QuerySet[Cycle] | None = None, *, fields: tuple[str, ...] = (), now: datetime.datetime | None = None
) -> list[tuple[ClockReading, dict[str, Any]]]:
    """The decision clock of each cycle (by default every cycle on the clock) by the same rule as
    `decision_clocks`, in two queries, without building the cycles: each reading comes with the
    cycle's `fields` (values() names, e.g. "status", "facility__name"). For long lists."""
    now = now or timezone.now()
    names = ("pk", "framework_id", "dossier_at", "answered_at", "open_count")
    rows = list(_clock_annotated(cycles).order_by().values(*names, *fields))
    targets = _targets({row["framework_id"] for row in rows})
    return [
        (
            ClockReading(
                **_clock_reading(
                    row["pk"],
                    row["dossier_at"],
                    row["answered_at"],
                    row["open_count"],
                    targets[row["framework_id"]],
                    now,
                )
            ),
            {name: row[name] for name in fields},
        )
        for row in rows
    ]


def decision_clock(cycle: Cycle, *, now: datetime.datetime | None = None) -> DecisionClock:
    return decision_clocks(Cycle.objects.filter(pk=cycle.pk), now=now)[0]


# ----------------------------------------------------------------------------- triage


def triage_queue() -> list[Cycle]:
    """Submitted cycles, oldest first, with their latest dossier's hash and revision number."""
    latest = Dossier.objects.filter(cycle=OuterRef("pk")).order_by("-created_at")
    return list(
        Cycle.objects.filter(status=CycleStatus.SUBMITTED)
        .select_related("facility", "framework")
        .annotate(
            dossier_sha256=Subquery(latest.values("sha256")[:1]),
            dossier_at=Subquery(latest.values("created_at")[:1]),
            dossier_count=Subquery(
                Dossier.objects.filter(cycle=OuterRef("pk")).values("cycle").annotate(n=Count("pk")).values("n")[:1]
            ),
            assignment_count=Count(
                "assignments", filter=Q(assignments__status__in=ACTIVE_ASSIGNMENT_STATES), distinct=True
            ),
        )
        .order_by("submitted_at", "created_at")
    )


def assessment_cycles() -> list[Cycle]:
    """Cycles in assessment with their active assignments counted (the office's worklist)."""
    return list(
        Cycle.objects.filter(status=CycleStatus.IN_ASSESSMENT)
        .select_related("facility")
        .annotate(
            assignment_count=Count(
                "assignments", filter=Q(assignments__status__in=ACTIVE_ASSIGNMENT_STATES), distinct=True
            ),
            submitted_reviews=Count(
                "assignments", filter=Q(assignments__status=AssignmentStatus.SUBMITTED), distinct=True
            ),
        )
        .order_by("submitted_at")
    )


# ----------------------------------------------------------------------------- reconciliation


@dataclass
class ReconciliationRow:
    requirement: Requirement
    ratings: list[RequirementRating | None]
    consolidated: ConsolidatedRating | None
    in_scope: bool

    @property
    def values(self) -> list[str | None]:
        return [r.rating if r else None for r in self.ratings]

    @property
    def agreed(self) -> str | None:
        values = self.values
        if values and all(v is not None for v in values) and len(set(values)) == 1:
            return values[0]
        return None

    @property
    def disagreement(self) -> bool:
        return self.agreed is None

    @property
    def default(self) -> str:
        if self.consolidated is not None and (not self.in_scope or self.consolidated_current):
            return self.consolidated.rating
        return self.agreed or ""

    consolidated_current: bool = False


@dataclass
class Reconciliation:
    cycle: Cycle
    assignments: list[Assignment]
    rows: list[ReconciliationRow]
    round: Round

    @property
    def ready(self) -> bool:
        return bool(self.assignments) and all(a.status == AssignmentStatus.SUBMITTED for a in self.assignments)

    @property
    def disagreements(self) -> int:
        return sum(1 for r in self.rows if r.disagreement)


def reconciliation(cycle: Cycle) -> Reconciliation:
    """Both assessors' ratings per requirement, disagreements first (a fixed number of queries)."""
    requirements = requirements_of(cycle)
    round_ = current_round(cycle, requirements)
    assignments = list(
        Assignment.objects.filter(cycle=cycle, status__in=WORKING_ASSIGNMENT_STATES)
        .select_related("assessor")
        .order_by("created_at")
    )
    by_assignment: dict[Any, dict[int, RequirementRating]] = {a.pk: {} for a in assignments}
    for rating in RequirementRating.objects.filter(assignment__in=assignments):
        by_assignment[rating.assignment_id][rating.requirement_id] = rating
    consolidated = {c.requirement_id: c for c in ConsolidatedRating.objects.filter(cycle=cycle)}
    rows = []
    for requirement in requirements:
        c = consolidated.get(requirement.pk)
        row = ReconciliationRow(
            requirement=requirement,
            ratings=[by_assignment[a.pk].get(requirement.pk) for a in assignments],
            consolidated=c,
            in_scope=round_.in_scope(requirement.pk),
        )
        row.consolidated_current = c is not None and rating_is_current(c, round_)
        rows.append(row)
    rows.sort(key=lambda r: (not r.disagreement, r.requirement.position))
    return Reconciliation(cycle, assignments, rows, round_)


def consolidated_ratings(cycle: Cycle) -> dict[int, str]:
    """Requirement id → consolidated rating, for the ratings that count in the current round."""
    round_ = current_round(cycle)
    return {
        c.requirement_id: c.rating
        for c in ConsolidatedRating.objects.filter(cycle=cycle)
        if rating_is_current(c, round_)
    }


@dataclass(frozen=True)
class Recommendation:
    """What goes to the committee: `outcome` (the office's override, else the rule engine's
    proposal), `proposed_outcome` (the rule engine's), the override's reason and the flagged
    requirements (ids of every requirement not consolidated met)."""

    outcome: str
    proposed_outcome: str
    override_reason: str
    flagged_requirement_ids: list[int]
    reasons: list[str]
    ready: bool

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label)

    @property
    def proposed_label(self) -> str:
        return str(Outcome(self.proposed_outcome).label)


def case_review_complete(cycle: Cycle) -> bool:
    return casereview_selectors.case_review_status(cycle).complete


def recommendation_for(cycle: Cycle, *, accredited_award_in_force: bool) -> Recommendation:
    """The recommendation of the current round.

    `accredited_award_in_force`: does the facility hold an accredited award in force? A fact of
    the awards (the decisions app, above this one), given by the caller; it counts on a
    re-certification only (Centre of Excellence).
    """
    requirements = requirements_of(cycle)
    consolidated = consolidated_ratings(cycle)
    recertification = cycle.kind == CycleKind.RECERTIFICATION
    result = rules.propose_outcome(
        [rules.RatedRequirement(r.pk, r.core, consolidated.get(r.pk)) for r in requirements],
        case_review_complete=case_review_complete(cycle),
        recertification=recertification,
        accredited_award_in_force=recertification and accredited_award_in_force,
    )
    override = OutcomeOverride.objects.filter(cycle=cycle).first()
    ready = _ready(cycle, requirements, consolidated)
    return Recommendation(
        outcome=override.outcome if override else result.outcome,
        proposed_outcome=result.outcome,
        override_reason=override.reason if override else "",
        flagged_requirement_ids=list(result.flagged),
        reasons=list(result.reasons),
        ready=ready,
    )


def _ready(cycle: Cycle, requirements: list[Requirement], consolidated: dict[int, str]) -> bool:
    working = list(
        Assignment.objects.filter(cycle=cycle, status__in=WORKING_ASSIGNMENT_STATES).values_list("status", flat=True)
    )
    return (
        len(working) >= assessors_per_cycle(cycle)
        and all(s == AssignmentStatus.SUBMITTED for s in working)
        and all(r.pk in consolidated for r in requirements)
        and not EvidenceRequest.objects.filter(cycle=cycle, status=EvidenceRequestStatus.OPEN).exists()
    )


def recommendation_ready(cycle: Cycle) -> bool:
    """Both reviews submitted, every requirement consolidated for the current round, no request open."""
    return _ready(cycle, requirements_of(cycle), consolidated_ratings(cycle))


def visit_of(cycle: Cycle) -> Visit | None:
    return Visit.objects.filter(cycle=cycle).first()


def visit_findings(visit: Visit) -> list[VisitFinding]:
    return list(visit.findings.select_related("requirement__standard", "author"))
