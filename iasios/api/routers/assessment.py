"""The assessment through the API: assignments, ratings, reviews, evidence requests, reconciliation.

The same services and the same access module as the pages. An object the token's owner may not
see is 404; an action they may not take is 403; a step the state forbids is 409. Independence
holds here too: an assessor reads the other assessor's ratings only after submitting their own.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from iasios.accounts.models import User
from iasios.api.api import ErrorOut
from iasios.applications.models import Cycle, EvidenceRevision
from iasios.assessment import access, reviews, selectors, services
from iasios.assessment.models import Assignment, EvidenceRequest, RequirementRating
from iasios.core.refusals import Invalid
from iasios.decisions import selectors as decision_selectors
from iasios.facilities.access import is_office
from iasios.standards.models import Requirement

router = Router(tags=["assessment"])

ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


# ----------------------------------------------------------------------------- schemas


class AssignmentOut(Schema):
    id: UUID
    cycle_id: UUID
    facility: str
    assessor_id: UUID
    status: str
    no_conflict: bool
    declared_interests: str
    submitted_at: datetime.datetime | None


class AcceptIn(Schema):
    no_conflict: bool
    interests: str = ""


class ReasonIn(Schema):
    reason: str


class RatingOut(Schema):
    requirement: str
    requirement_id: int
    assignment_id: UUID
    rating: str
    comment: str
    dossier_sha256: str


class RatingIn(Schema):
    rating: str
    comment: str = ""


class RequestIn(Schema):
    requirement: str
    question: str
    due_on: datetime.date | None = None


class RequestOut(Schema):
    id: UUID
    cycle_id: UUID
    requirement: str
    status: str
    due_on: datetime.date
    opened_at: datetime.datetime
    answered_at: datetime.datetime | None


class EvidenceRequestAnswerIn(Schema):
    text: str = ""
    revision_ids: list[UUID] = []


class ReaskIn(Schema):
    question: str
    due_on: datetime.date | None = None


class AssignIn(Schema):
    assessor_id: UUID


class CandidateOut(Schema):
    assessor_id: UUID
    name: str
    country: str
    institution: str
    eligible: bool
    reasons: list[str]


class ConsolidatedIn(Schema):
    requirement: str
    rating: str
    note: str = ""


class RecommendationOut(Schema):
    outcome: str
    proposed_outcome: str
    override_reason: str
    flagged_requirements: list[str]
    ready: bool


class OverrideIn(Schema):
    outcome: str
    reason: str = ""


# ----------------------------------------------------------------------------- helpers


def _assignment_out(a: Assignment) -> dict[str, Any]:
    return {
        "id": a.pk,
        "cycle_id": a.cycle_id,
        "facility": a.cycle.facility.name,
        "assessor_id": a.assessor_id,
        "status": a.status,
        "no_conflict": a.no_conflict,
        "declared_interests": a.declared_interests,
        "submitted_at": a.submitted_at,
    }


def _rating_out(r: RequirementRating) -> dict[str, Any]:
    return {
        "requirement": r.requirement.reference,
        "requirement_id": r.requirement_id,
        "assignment_id": r.assignment_id,
        "rating": r.rating,
        "comment": r.comment,
        "dossier_sha256": r.dossier.sha256,
    }


def _request_out(r: EvidenceRequest) -> dict[str, Any]:
    return {
        "id": r.pk,
        "cycle_id": r.cycle_id,
        "requirement": r.requirement.reference,
        "status": r.status,
        "due_on": r.due_on,
        "opened_at": r.opened_at,
        "answered_at": r.answered_at,
    }


def _own_assignment(request: HttpRequest, pk: UUID) -> Assignment:
    assignment = access.get_own_assignment_or_404(request.user, pk)
    if assignment.assessor_id != request.user.pk:  # the office reads through the cycle endpoints
        raise Http404
    return assignment


def _requirement(cycle: Cycle, reference: str) -> Requirement:
    for requirement in selectors.requirements_of(cycle):
        if requirement.reference == reference:
            return requirement
    raise Http404


def _office_cycle(request: HttpRequest, pk: UUID) -> Cycle:
    if not is_office(request.user):
        raise Http404
    return get_object_or_404(Cycle.objects.select_related("facility", "framework"), pk=pk)


def _visible_cycle(request: HttpRequest, pk: UUID) -> Cycle:
    cycle = Cycle.objects.select_related("facility", "framework").filter(pk=pk).first()
    if cycle is None or not access.can_view_assessment(request.user, cycle):
        raise Http404
    return cycle


# ----------------------------------------------------------------------------- assessor


@router.get("/assignments", response={200: list[AssignmentOut], **ERRORS}, summary="My assignments")
def my_assignments(request: HttpRequest) -> list[dict[str, Any]]:
    return [_assignment_out(a) for a in selectors.assignments_for_assessor(request.user)]


@router.get("/assignments/{assignment_id}", response={200: AssignmentOut, **ERRORS}, summary="One of my assignments")
def assignment_get(request: HttpRequest, assignment_id: UUID) -> dict[str, Any]:
    return _assignment_out(_own_assignment(request, assignment_id))


@router.post(
    "/assignments/{assignment_id}/accept",
    response={200: AssignmentOut, **ERRORS},
    summary="Accept, declaring no conflict of interest and any other interests",
)
def assignment_accept(request: HttpRequest, assignment_id: UUID, body: AcceptIn) -> dict[str, Any]:
    assignment = _own_assignment(request, assignment_id)
    updated = services.assignment_accept(
        assignment=assignment, user=request.user, no_conflict=body.no_conflict, interests=body.interests
    )
    updated.cycle = assignment.cycle
    return _assignment_out(updated)


@router.post("/assignments/{assignment_id}/decline", response={200: AssignmentOut, **ERRORS}, summary="Decline")
def assignment_decline(request: HttpRequest, assignment_id: UUID, body: ReasonIn) -> dict[str, Any]:
    assignment = _own_assignment(request, assignment_id)
    updated = services.assignment_decline(assignment=assignment, user=request.user, reason=body.reason)
    updated.cycle = assignment.cycle
    return _assignment_out(updated)


@router.get("/assignments/{assignment_id}/ratings", response={200: list[RatingOut], **ERRORS}, summary="My ratings")
def ratings_get(request: HttpRequest, assignment_id: UUID) -> list[dict[str, Any]]:
    assignment = _own_assignment(request, assignment_id)
    if not access.can_review(request.user, assignment):
        raise Http404
    return [
        _rating_out(r)
        for r in RequirementRating.objects.filter(assignment=assignment).select_related(
            "requirement__standard", "dossier"
        )
    ]


@router.put(
    "/assignments/{assignment_id}/ratings/{reference}",
    response={200: RatingOut, **ERRORS},
    summary="Rate one requirement (by reference, e.g. 1a)",
)
def rating_put(request: HttpRequest, assignment_id: UUID, reference: str, body: RatingIn) -> dict[str, Any]:
    assignment = _own_assignment(request, assignment_id)
    if not access.can_review(request.user, assignment):
        raise Http404
    requirement = _requirement(assignment.cycle, reference)
    row = services.rating_save(
        assignment=assignment, user=request.user, requirement=requirement, rating=body.rating, comment=body.comment
    )
    row.requirement = requirement
    return _rating_out(row)


@router.post("/assignments/{assignment_id}/submit", response={200: AssignmentOut, **ERRORS}, summary="Submit my review")
def review_submit(request: HttpRequest, assignment_id: UUID) -> dict[str, Any]:
    assignment = _own_assignment(request, assignment_id)
    if not access.can_review(request.user, assignment):
        raise Http404
    updated = services.review_submit(assignment=assignment, user=request.user)
    updated.cycle = assignment.cycle
    return _assignment_out(updated)


@router.get(
    "/cycles/{cycle_id}/ratings",
    response={200: list[RatingOut], **ERRORS},
    summary="The ratings of a cycle I may read (the other assessor's only after I submitted)",
)
def cycle_ratings(request: HttpRequest, cycle_id: UUID) -> list[dict[str, Any]]:
    cycle = _visible_cycle(request, cycle_id)
    return [_rating_out(r) for r in _with_dossier(reviews.visible_ratings(request.user, cycle))]


def _with_dossier(ratings: list[RequirementRating]) -> list[RequirementRating]:
    from iasios.applications.models import Dossier

    dossiers = {d.pk: d for d in Dossier.objects.filter(pk__in={r.dossier_id for r in ratings})}
    for r in ratings:
        r.dossier = dossiers[r.dossier_id]
    return ratings


# ----------------------------------------------------------------------------- evidence requests


@router.get("/cycles/{cycle_id}/requests", response={200: list[RequestOut], **ERRORS}, summary="Evidence requests")
def requests_list(request: HttpRequest, cycle_id: UUID) -> list[dict[str, Any]]:
    cycle = Cycle.objects.select_related("facility", "framework").filter(pk=cycle_id).first()
    if cycle is None or not access.can_view_facility_requests(request.user, cycle):
        raise Http404
    return [_request_out(r) for r in selectors.requests_of_cycle(cycle)]


@router.post(
    "/assignments/{assignment_id}/requests",
    response={201: RequestOut, **ERRORS},
    summary="Ask the facility for evidence on a requirement",
)
def request_create(request: HttpRequest, assignment_id: UUID, body: RequestIn) -> Status[dict[str, Any]]:
    assignment = _own_assignment(request, assignment_id)
    if not access.can_review(request.user, assignment):
        raise Http404
    created = services.evidence_request_create(
        assignment=assignment,
        user=request.user,
        requirement=_requirement(assignment.cycle, body.requirement),
        question=body.question,
        due_on=body.due_on,
    )
    return Status(201, _request_out(created))


@router.post("/requests/{request_id}/answer", response={200: RequestOut, **ERRORS}, summary="Answer (facility)")
def request_answer(request: HttpRequest, request_id: UUID, body: EvidenceRequestAnswerIn) -> dict[str, Any]:
    evidence_request = access.get_visible_request_or_404(request.user, request_id)
    revisions = list(
        EvidenceRevision.objects.filter(
            pk__in=body.revision_ids, document__facility=evidence_request.cycle.facility
        ).select_related("document")
    )
    if len(revisions) != len(set(body.revision_ids)):
        raise Invalid(_("Attach revisions of this facility's evidence library."), field="revision_ids")
    updated = services.evidence_request_answer(
        request=evidence_request, user=request.user, text=body.text, revisions=revisions
    )
    return _request_out(updated)


@router.post("/requests/{request_id}/accept", response={200: RequestOut, **ERRORS}, summary="Accept the answer")
def request_accept(request: HttpRequest, request_id: UUID) -> dict[str, Any]:
    evidence_request = access.get_visible_request_or_404(request.user, request_id)
    return _request_out(services.evidence_request_accept(request=evidence_request, user=request.user))


@router.post("/requests/{request_id}/reask", response={200: RequestOut, **ERRORS}, summary="Ask again")
def request_reask(request: HttpRequest, request_id: UUID, body: ReaskIn) -> dict[str, Any]:
    evidence_request = access.get_visible_request_or_404(request.user, request_id)
    return _request_out(
        services.evidence_request_reask(
            request=evidence_request, user=request.user, question=body.question, due_on=body.due_on
        )
    )


# ----------------------------------------------------------------------------- office


@router.get(
    "/cycles/{cycle_id}/candidates", response={200: list[CandidateOut], **ERRORS}, summary="Assessor candidates"
)
def candidates(request: HttpRequest, cycle_id: UUID) -> list[dict[str, Any]]:
    cycle = _office_cycle(request, cycle_id)
    return [
        {
            "assessor_id": c.profile.user_id,
            "name": str(c.profile.user),
            "country": c.profile.country,
            "institution": c.profile.institution,
            "eligible": c.eligible,
            "reasons": c.notes,
        }
        for c in selectors.assignment_candidates(cycle)
    ]


@router.post(
    "/cycles/{cycle_id}/assignments", response={201: AssignmentOut, **ERRORS}, summary="Assign an assessor (office)"
)
def assign(request: HttpRequest, cycle_id: UUID, body: AssignIn) -> Status[dict[str, Any]]:
    cycle = _office_cycle(request, cycle_id)
    assessor = User.objects.filter(pk=body.assessor_id).first()
    if assessor is None:
        raise Invalid(_("No such person."), field="assessor_id")
    created = services.assignment_create(cycle=cycle, assessor=assessor, actor=request.user)
    return Status(201, _assignment_out(created))


@router.put(
    "/cycles/{cycle_id}/consolidated",
    response={200: RecommendationOut, **ERRORS},
    summary="Record consolidated ratings",
)
def reconcile(request: HttpRequest, cycle_id: UUID, body: list[ConsolidatedIn]) -> dict[str, Any]:
    cycle = _office_cycle(request, cycle_id)
    values = {_requirement(cycle, item.requirement).pk: (item.rating, item.note) for item in body}
    services.consolidated_ratings_record(cycle=cycle, actor=request.user, ratings=values)
    return _recommendation_out(cycle)


def _recommendation_out(cycle: Cycle) -> dict[str, Any]:
    recommendation = decision_selectors.recommendation_for(cycle)
    references = {r.pk: r.reference for r in selectors.requirements_of(cycle)}
    return {
        "outcome": recommendation.outcome,
        "proposed_outcome": recommendation.proposed_outcome,
        "override_reason": recommendation.override_reason,
        "flagged_requirements": [references[pk] for pk in recommendation.flagged_requirement_ids],
        "ready": recommendation.ready,
    }


@router.get(
    "/cycles/{cycle_id}/recommendation", response={200: RecommendationOut, **ERRORS}, summary="The recommendation"
)
def recommendation_get(request: HttpRequest, cycle_id: UUID) -> dict[str, Any]:
    return _recommendation_out(_office_cycle(request, cycle_id))


@router.put(
    "/cycles/{cycle_id}/recommendation",
    response={200: RecommendationOut, **ERRORS},
    summary="Change the proposed outcome (a reason is required)",
)
def recommendation_put(request: HttpRequest, cycle_id: UUID, body: OverrideIn) -> dict[str, Any]:
    cycle = _office_cycle(request, cycle_id)
    services.outcome_override(
        cycle=cycle,
        actor=request.user,
        outcome=body.outcome,
        reason=body.reason,
        accredited_award_in_force=decision_selectors.award_in_force(cycle.facility) is not None,
    )
    return _recommendation_out(cycle)
