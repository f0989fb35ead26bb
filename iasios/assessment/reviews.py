"""Reads of one assessor's review: the side-by-side rows, what is still to rate, whose ratings one may read.

What an assessor reads of the facility's work always comes from the frozen dossier snapshot,
never from the live answers: the assessment is of what was submitted. Every reader costs a
fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from iasios.applications.models import Cycle, Dossier
from iasios.assessment.models import (
    WORKING_ASSIGNMENT_STATES,
    Assignment,
    AssignmentStatus,
    EvidenceRequest,
    RequirementRating,
    VisitFinding,
)
from iasios.assessment.selectors import Round, current_round, rating_is_current
from iasios.facilities.access import is_office
from iasios.standards.models import Requirement

PREVIEWABLE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})

# What the review page may show: every row, those still to rate in this round, core ones, and the
# rows where the other assessor disagrees (only once the other ratings may be read).
FILTERS = ("unrated", "core", "disagreements")


@dataclass
class ReviewRow:
    requirement: Requirement
    answer: dict[str, Any]
    evidence: list[dict[str, Any]]
    rating: RequirementRating | None
    others: list[RequirementRating]
    requests: list[EvidenceRequest]
    findings: list[VisitFinding]
    in_scope: bool
    changed: bool
    carried_over: bool
    dossier_id: Any = None  # the revision the answer and evidence come from

    @property
    def anchor(self) -> str:
        return f"req-{self.requirement.reference}"

    @property
    def needs_rating(self) -> bool:
        """Not rated yet, or rated on an earlier revision and flagged for re-rating in this round."""
        return self.rating is None or (self.in_scope and self.carried_over)

    @property
    def disagreement(self) -> bool:
        """Both rated and another assessor's rating differs (others are read only once visible)."""
        return self.rating is not None and any(o.rating != self.rating.rating for o in self.others)

    @property
    def fingerprint(self) -> tuple[Any, ...]:
        """Everything a card shows of this row, as a key: the page keeps a rendered card under it
        (with the page's own settings), so a card is never older than what it shows. A new field
        on the card belongs here too."""
        rating = self.rating
        return (
            self.requirement.pk,
            self.dossier_id,
            self.in_scope,
            self.changed,
            self.carried_over,
            (rating.rating, rating.comment) if rating else None,
            tuple((o.pk, o.rating, o.comment, str(o.assignment.assessor)) for o in self.others),
            tuple((r.pk, r.status, r.due_on) for r in self.requests),
            tuple((f.pk, f.text, str(f.author)) for f in self.findings),
        )

    def shown_by(self, show: str) -> bool:
        if show == "unrated":
            return self.needs_rating
        if show == "core":
            return bool(self.requirement.core)
        if show == "disagreements":
            return self.disagreement
        return True


def snapshot_answers(dossier: Dossier | None) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """The dossier's answers by requirement reference and its evidence revisions by id."""
    if dossier is None:
        return {}, {}
    answers = {a["requirement"]: a for a in dossier.snapshot.get("answers", [])}
    revisions = {r["id"]: r for r in dossier.snapshot.get("evidence_revisions", [])}
    return answers, revisions


def _evidence_entries(answer: dict[str, Any], revisions: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    entries = []
    for item in answer.get("evidence", []):
        rev_ref = item.get("revision") or {}
        revision = revisions.get(rev_ref.get("id", ""), {})
        content_type = revision.get("content_type", "")
        entries.append(
            {
                "title": item.get("title", ""),
                "available_on_request": item.get("available_on_request", False),
                "revision_id": rev_ref.get("id"),
                "revision": revision.get("revision"),
                "file_name": revision.get("file_name", ""),
                "content_type": content_type,
                "size": revision.get("size"),
                "sha256": revision.get("sha256", ""),
                "preview": content_type if content_type in PREVIEWABLE_TYPES else "",
                "is_image": content_type.startswith("image/"),
            }
        )
    return entries


def _requirements(cycle: Cycle) -> list[Requirement]:
    """The cycle's requirements in order, without the expected-evidence lists no review shows."""
    return list(
        Requirement.objects.filter(framework_id=cycle.framework_id)
        .select_related("standard")
        .defer("evidence", "standard__evidence")
        .order_by("position")
    )


@dataclass
class Review:
    assignment: Assignment
    round: Round
    rows: list[ReviewRow]
    others_visible: bool
    other_assignments: list[Assignment] = field(default_factory=list)

    @property
    def rated(self) -> int:
        return sum(1 for r in self.rows if not r.needs_rating)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def standards(self) -> list[int]:
        return sorted({r.requirement.standard.number for r in self.rows})

    def shown(self, *, standard: int | None = None, show: str = "", keep: int | None = None) -> list[ReviewRow]:
        """The rows of one standard (or all) that pass the filter; `keep` (a requirement id) stays
        shown whatever the filter, so the card just rated does not vanish under the assessor."""
        return [
            r
            for r in self.rows
            if (standard is None or r.requirement.standard.number == standard)
            and (r.shown_by(show) or r.requirement.pk == keep)
        ]


def review_for(assignment: Assignment, *, others_visible: bool = False, only: int | None = None) -> Review:
    """The side-by-side rows of one assessor's review (a fixed number of queries).

    `others_visible` is decided by access.can_see_other_ratings; when False the other
    assessor's ratings are not even read. `only` (a requirement id) reads that one row (the
    card swapped in after a rating).
    """
    cycle = assignment.cycle
    requirements = _requirements(cycle)
    round_ = current_round(cycle, requirements)
    answers, revisions = snapshot_answers(round_.dossier)
    if only is not None:
        requirements = [r for r in requirements if r.pk == only]
    own = {
        r.requirement_id: r
        for r in RequirementRating.objects.filter(assignment=assignment).only(
            "requirement_id", "dossier_id", "rating", "comment"
        )
    }
    others: dict[int, list[RequirementRating]] = {}
    other_assignments: list[Assignment] = []
    if others_visible:
        other_assignments = list(
            Assignment.objects.filter(cycle=cycle, status__in=WORKING_ASSIGNMENT_STATES)
            .exclude(pk=assignment.pk)
            .select_related("assessor")
        )
        for rating in RequirementRating.objects.filter(assignment__in=other_assignments).select_related(
            "assignment__assessor"
        ):
            others.setdefault(rating.requirement_id, []).append(rating)
    requests: dict[int, list[EvidenceRequest]] = {}
    for request in EvidenceRequest.objects.filter(cycle=cycle).only(
        "pk", "status", "due_on", "requirement_id", "assignment_id"
    ):
        if request.assignment_id == assignment.pk or others_visible:
            requests.setdefault(request.requirement_id, []).append(request)
    findings: dict[int, list[VisitFinding]] = {}
    for finding in VisitFinding.objects.filter(visit__cycle=cycle).select_related("author"):
        findings.setdefault(finding.requirement_id, []).append(finding)
    rows = []
    for requirement in requirements:
        answer = answers.get(requirement.reference, {})
        own_rating = own.get(requirement.pk)
        in_scope = round_.in_scope(requirement.pk)
        rows.append(
            ReviewRow(
                requirement=requirement,
                answer=answer,
                evidence=_evidence_entries(answer, revisions),
                rating=own_rating,
                others=others.get(requirement.pk, []),
                requests=requests.get(requirement.pk, []),
                findings=findings.get(requirement.pk, []),
                in_scope=in_scope,
                changed=requirement.reference in round_.changed_refs,
                carried_over=own_rating is not None and own_rating.dossier_id != getattr(round_.dossier, "pk", None),
                dossier_id=getattr(round_.dossier, "pk", None),
            )
        )
    return Review(assignment, round_, rows, others_visible, other_assignments)


def review_missing(assignment: Assignment) -> list[str]:
    """References still to rate (or re-rate in this round) before the review can be submitted."""
    cycle = assignment.cycle
    # Only what the references and the round need: this guard runs on every review page.
    requirements = list(
        Requirement.objects.filter(framework_id=cycle.framework_id)
        .select_related("standard")
        .only("pk", "letter", "standard__number")
        .order_by("position")
    )
    round_ = current_round(cycle, requirements, snapshot=False)
    own = {
        r.requirement_id: r
        for r in RequirementRating.objects.filter(assignment=assignment).only("requirement_id", "dossier_id")
    }
    missing = []
    for requirement in requirements:
        rating = own.get(requirement.pk)
        if rating is None or not rating_is_current(rating, round_):
            missing.append(requirement.reference)
    return missing


@dataclass(frozen=True)
class Progress:
    rated: int
    total: int


def review_progress(assignment: Assignment) -> Progress:
    """How many requirements are rated for this round, of all (after one rating, without the rows)."""
    total = Requirement.objects.filter(framework_id=assignment.cycle.framework_id).count()
    return Progress(total - len(review_missing(assignment)), total)


def visible_ratings(user: Any, cycle: Cycle) -> list[RequirementRating]:
    """The ratings of a cycle this user may read: the office all; an assessor their own, and the
    others' only once their own review is submitted; nobody else anything."""
    qs = RequirementRating.objects.filter(assignment__cycle=cycle).select_related(
        "requirement__standard", "assignment__assessor"
    )
    if is_office(user):
        return list(qs)
    own = Assignment.objects.filter(
        cycle=cycle, assessor_id=getattr(user, "pk", None), status__in=WORKING_ASSIGNMENT_STATES
    ).first()
    if own is None:
        return []
    if own.status == AssignmentStatus.SUBMITTED:
        return list(qs.filter(assignment__status__in=WORKING_ASSIGNMENT_STATES))
    return list(qs.filter(assignment=own))
