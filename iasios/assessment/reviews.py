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
from iasios.assessment.selectors import Round, current_round, rating_is_current, requirements_of
from iasios.facilities.access import is_office
from iasios.standards.models import Requirement

PREVIEWABLE_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"})


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

    @property
    def anchor(self) -> str:
        return f"req-{self.requirement.reference}"


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


@dataclass
class Review:
    assignment: Assignment
    round: Round
    rows: list[ReviewRow]
    others_visible: bool
    other_assignments: list[Assignment] = field(default_factory=list)

    @property
    def rated(self) -> int:
        return sum(1 for r in self.rows if r.rating is not None and not (r.in_scope and r.carried_over))

    @property
    def total(self) -> int:
        return len(self.rows)


def review_for(assignment: Assignment, *, standard: int | None = None, others_visible: bool = False) -> Review:
    """The side-by-side rows of one assessor's review (a fixed number of queries).

    `others_visible` is decided by access.can_see_other_ratings; when False the other
    assessor's ratings are not even read.
    """
    cycle = assignment.cycle
    requirements = requirements_of(cycle)
    round_ = current_round(cycle, requirements)
    answers, revisions = snapshot_answers(round_.dossier)
    if standard is not None:
        requirements = [r for r in requirements if r.standard.number == standard]
    own = {r.requirement_id: r for r in RequirementRating.objects.filter(assignment=assignment)}
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
    for request in EvidenceRequest.objects.filter(cycle=cycle).select_related("assignment__assessor"):
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
            )
        )
    return Review(assignment, round_, rows, others_visible, other_assignments)


def review_missing(assignment: Assignment) -> list[str]:
    """References still to rate (or re-rate in this round) before the review can be submitted."""
    cycle = assignment.cycle
    requirements = requirements_of(cycle)
    round_ = current_round(cycle, requirements)
    own = {r.requirement_id: r for r in RequirementRating.objects.filter(assignment=assignment)}
    missing = []
    for requirement in requirements:
        rating = own.get(requirement.pk)
        if rating is None or not rating_is_current(rating, round_):
            missing.append(requirement.reference)
    return missing


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
