"""Committee votes, decisions (and their letters), appeals and awards through the API.

The same services and access module as the pages: a decision, appeal or award the token's owner
may not see is 404; an action they may not take is 403; an action the state forbids is 409. The
vote and the appeal's finding move the cycle too: they call `iasios.cycles.committee`.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from iasios.api.api import ErrorOut
from iasios.applications.models import Cycle
from iasios.core.documents import document_response
from iasios.cycles import committee
from iasios.decisions import selectors, services
from iasios.decisions.access import (
    awards_visible_to,
    get_visible_appeal_or_404,
    get_visible_award_or_404,
    get_visible_decision_or_404,
    is_committee,
)
from iasios.decisions.letters import decision_letter_document
from iasios.decisions.models import Appeal, Award, Decision, DecisionStatus

router = Router(tags=["decisions"])


class QueueItemOut(Schema):
    cycle_id: UUID
    facility_id: UUID
    facility_name: str
    round: int | None
    votes: int
    quorum: int
    my_vote: str | None
    may_vote: bool
    allowed_outcomes: list[str]


class VoteIn(Schema):
    outcome: str
    comment: str = ""
    conditions: str = ""
    areas: str = ""


class VoteOut(Schema):
    member: str
    outcome: str
    comment: str


class ActionOut(Schema):
    id: UUID
    description: str
    owner: str
    due_on: datetime.date
    status: str
    verification_note: str


class DecisionOut(Schema):
    id: UUID
    cycle_id: UUID
    facility_id: UUID
    round: int
    status: str
    outcome: str
    recommended_outcome: str
    dossier_sha256: str
    decided_on: datetime.date | None
    resubmit_by: datetime.date | None
    conditions: list[str]
    areas_to_amend: list[str]
    corrective_actions: list[ActionOut]
    votes: list[VoteOut]
    appeal_deadline: datetime.date | None
    letter_url: str


class VoteResultOut(Schema):
    decision: DecisionOut


class AppealIn(Schema):
    grounds: str
    document_ids: list[UUID] = []


class AppealDecisionIn(Schema):
    upheld: bool
    reasons: str


class AppealOut(Schema):
    id: UUID
    decision_id: UUID
    status: str
    lodged_on: datetime.date
    grounds: str
    document_ids: list[UUID]
    decided_on: datetime.date | None
    reasons: str


class AwardOut(Schema):
    id: UUID
    facility_id: UUID
    facility_name: str
    decision_id: UUID
    level: str
    status: str
    valid_from: datetime.date
    valid_until: datetime.date
    status_changed_on: datetime.date | None
    status_reason: str
    certificate_number: str | None
    verify_url: str | None


class ReasonIn(Schema):
    reason: str


def _decision_out(decision: Decision) -> dict[str, Any]:
    detail = selectors.decision_detail(decision)
    return {
        "id": decision.pk,
        "cycle_id": decision.cycle_id,
        "facility_id": decision.cycle.facility_id,
        "round": decision.round,
        "status": decision.status,
        "outcome": decision.outcome,
        "recommended_outcome": decision.recommended_outcome,
        "dossier_sha256": decision.dossier_sha256,
        "decided_on": decision.decided_on,
        "resubmit_by": decision.resubmit_by,
        "conditions": list(decision.conditions),
        "areas_to_amend": [r.reference for r in detail["areas"]],
        "corrective_actions": detail["actions"],
        "votes": [{"member": str(v.member), "outcome": v.outcome, "comment": v.comment} for v in detail["votes"]],
        "appeal_deadline": services.appeal_deadline(decision),
        "letter_url": f"/api/v1/decisions/{decision.pk}/letter.pdf",
    }


def _appeal_out(appeal: Appeal) -> dict[str, Any]:
    return {
        "id": appeal.pk,
        "decision_id": appeal.decision_id,
        "status": appeal.status,
        "lodged_on": appeal.lodged_on,
        "grounds": appeal.grounds,
        "document_ids": [d.pk for d in appeal.documents.all()],
        "decided_on": appeal.decided_on,
        "reasons": appeal.reasons,
    }


def _award_out(award: Award) -> dict[str, Any]:
    certificate = getattr(award, "certificate", None)
    return {
        "id": award.pk,
        "facility_id": award.facility_id,
        "facility_name": award.facility.name,
        "decision_id": award.decision_id,
        "level": award.level,
        "status": award.status,
        "valid_from": award.valid_from,
        "valid_until": award.valid_until,
        "status_changed_on": award.status_changed_on,
        "status_reason": award.status_reason,
        "certificate_number": certificate.number if certificate else None,
        "verify_url": certificate.verify_url if certificate else None,
    }


def _require_committee(request: HttpRequest) -> None:
    if not is_committee(request.user):
        raise PermissionDenied(_("Committee members only."))


def _taken(request: HttpRequest, decision_id: UUID) -> Decision:
    decision = get_visible_decision_or_404(request.user, decision_id)
    if decision.status == DecisionStatus.VOTING:
        raise Http404
    return decision


@router.get(
    "/committee/queue",
    response={200: list[QueueItemOut], 401: ErrorOut, 403: ErrorOut},
    summary="Applications waiting for the committee's decision",
)
def committee_queue(request: HttpRequest) -> list[dict[str, Any]]:
    _require_committee(request)
    return [
        {
            "cycle_id": row.cycle.pk,
            "facility_id": row.cycle.facility_id,
            "facility_name": row.cycle.facility.name,
            "round": row.decision.round if row.decision else None,
            "votes": row.votes,
            "quorum": row.quorum,
            "my_vote": row.my_vote.outcome if row.my_vote else None,
            "may_vote": not row.excluded,
            "allowed_outcomes": row.allowed_outcomes,
        }
        for row in selectors.committee_queue(request.user)
    ]


@router.post(
    "/committee/cycles/{cycle_id}/vote",
    response={200: DecisionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Cast or change your vote",
    description="Outcome among the cycle's `allowed_outcomes` (see the queue): accredited, areas_to_amend, "
    "not_accredited, and centre_of_excellence only in a re-certification of a centre holding an accredited "
    "award in force; any other is refused with 422 (field `outcome`). The decision is taken by the vote that "
    "reaches the quorum with more than half of the votes for one outcome; the round (its status says whether "
    "the decision is taken) is returned. For areas_to_amend, `areas` lists the requirement references the "
    "facility must amend (e.g. `1c 4b`); left empty, the assessors' flagged requirements. The decision "
    "reopens those named by at least half of the votes for areas_to_amend (409 when they agree on none).",
)
def vote(request: HttpRequest, cycle_id: UUID, payload: VoteIn) -> dict[str, Any]:
    _require_committee(request)
    cycle = Cycle.objects.select_related("facility", "framework").filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    vote = committee.vote_cast(cycle=cycle, member=request.user, **payload.dict())
    return _decision_out(get_visible_decision_or_404(request.user, vote.decision_id))


@router.get("/{decision_id}", response={200: DecisionOut, 401: ErrorOut, 404: ErrorOut}, summary="A decision")
def decision_get(request: HttpRequest, decision_id: UUID) -> dict[str, Any]:
    return _decision_out(_taken(request, decision_id))


@router.get(
    "/{decision_id}/letter.pdf",
    response={200: None, 401: ErrorOut, 404: ErrorOut},
    summary="The decision letter (PDF)",
)
def decision_letter(request: HttpRequest, decision_id: UUID) -> HttpResponseBase:
    return document_response(decision_letter_document(_taken(request, decision_id)))


@router.post(
    "/{decision_id}/appeal",
    response={201: AppealOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Lodge an appeal (the authorised representative, within the appeal window)",
)
def appeal_lodge(request: HttpRequest, decision_id: UUID, payload: AppealIn) -> Status:
    decision = _taken(request, decision_id)
    appeal = services.appeal_lodge(
        decision=decision, user=request.user, grounds=payload.grounds, document_ids=payload.document_ids
    )
    return Status(201, _appeal_out(appeal))


@router.get("/appeals/{appeal_id}", response={200: AppealOut, 401: ErrorOut, 404: ErrorOut}, summary="An appeal")
def appeal_get(request: HttpRequest, appeal_id: UUID) -> dict[str, Any]:
    return _appeal_out(get_visible_appeal_or_404(request.user, appeal_id))


@router.post(
    "/appeals/{appeal_id}/decide",
    response={200: AppealOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Record the panel's finding (committee members who took no part in the decision)",
)
def appeal_decide(request: HttpRequest, appeal_id: UUID, payload: AppealDecisionIn) -> dict[str, Any]:
    appeal = get_visible_appeal_or_404(request.user, appeal_id)
    appeal = committee.appeal_decide(appeal=appeal, member=request.user, upheld=payload.upheld, reasons=payload.reasons)
    return _appeal_out(appeal)


@router.get("/awards/", response={200: list[AwardOut], 401: ErrorOut}, summary="Awards you may see")
def award_list(request: HttpRequest) -> list[dict[str, Any]]:
    awards = awards_visible_to(request.user).select_related("facility", "certificate").order_by("-valid_from")
    return [_award_out(a) for a in awards]


@router.get("/awards/{award_id}", response={200: AwardOut, 401: ErrorOut, 404: ErrorOut}, summary="An award")
def award_get(request: HttpRequest, award_id: UUID) -> dict[str, Any]:
    return _award_out(get_visible_award_or_404(request.user, award_id))


@router.post(
    "/awards/{award_id}/{action}",
    response={200: AwardOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Suspend, reinstate or withdraw an award (the office, with a reason)",
    description="`action` is suspend, reinstate or withdraw. The registry and the verification page change at once.",
)
def award_change(request: HttpRequest, award_id: UUID, action: str, payload: ReasonIn) -> dict[str, Any]:
    award = get_visible_award_or_404(request.user, award_id)
    service = {
        "suspend": services.award_suspend,
        "reinstate": services.award_reinstate,
        "withdraw": services.award_withdraw,
    }.get(action)
    if service is None:
        raise Http404
    return _award_out(service(award=award, actor=request.user, reason=payload.reason))
