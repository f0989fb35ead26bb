"""The application's lifecycle through the API: start, pre-flight and submission, dossiers and
what changed, the office's hand-overs, re-certification.

The same services as the pages (iasios.cycles.services), which decide who may and refuse (403,
409, 422 through the API's one handler); access from iasios.cycles.access. Mounted inside the
applications router, so paths and operation ids are those the API has always had.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema, Status

from iasios.api.api import ErrorOut
from iasios.api.routers.applications_out import CycleOut, cycle_out
from iasios.applications import selectors
from iasios.applications.dossier import dossier_verify
from iasios.applications.models import CycleAim, Dossier
from iasios.cycles import selectors as cycle_selectors
from iasios.cycles import services as cycle_services
from iasios.cycles.access import get_visible_cycle_or_404
from iasios.facilities.access import get_visible_facility_or_404

router = Router(tags=["applications"])


class BlockerOut(Schema):
    message: str
    url: str


class PreflightOut(Schema):
    ready: bool
    blockers: list[BlockerOut]


class SubmitIn(Schema):
    declaration: bool
    password: str = ""
    code: str = ""


class DossierOut(Schema):
    cycle_id: UUID
    number: int
    sha256: str
    verified: bool
    created_at: datetime.datetime
    signed_by: str
    answers: int
    evidence_files: int
    pdf_url: str
    zip_url: str


@router.post(
    "/facilities/{facility_id}/cycles",
    operation_id="iasios_api_routers_applications_cycle_start",
    response={201: CycleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Start an application (initial accreditation)",
    description="Enrolled Centres only, by the representative, contact person or a contributor; "
    "at most one open application per facility. Pins the current standards version.",
)
def cycle_start(request: HttpRequest, facility_id: UUID) -> Status:
    facility = get_visible_facility_or_404(request.user, facility_id)
    cycle = cycle_services.cycle_start(facility=facility, user=request.user)
    return Status(201, cycle_out(cycle))


@router.get(
    "/cycles/{cycle_id}/preflight",
    operation_id="iasios_api_routers_applications_preflight",
    response={200: PreflightOut, 404: ErrorOut},
    summary="What stops the submission",
    description="Core requirements unanswered or without evidence, the case review, the membership, "
    "and whether the token's owner may sign.",
)
def preflight(request: HttpRequest, cycle_id: UUID) -> dict[str, Any]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    blockers = cycle_selectors.submission_blockers(cycle, request.user)
    return {"ready": not blockers, "blockers": [{"message": b.message, "url": b.url} for b in blockers]}


@router.post(
    "/cycles/{cycle_id}/submit",
    operation_id="iasios_api_routers_applications_submit",
    response={201: DossierOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut, 429: ErrorOut},
    summary="Sign the declaration and submit",
    description="The authorised representative only. `password` is their account password; a "
    "representative who uses an authenticator app gives its current `code` instead. "
    "Freezes the dossier; the application becomes read-only. After 5 wrong passwords or codes "
    "within 5 minutes the signer gets 429 and must wait.",
)
def submit(request: HttpRequest, cycle_id: UUID, payload: SubmitIn) -> Status:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    dossier = cycle_services.cycle_submit(
        cycle=cycle,
        user=request.user,
        declaration_accepted=payload.declaration,
        password=payload.password,
        code=payload.code,
        request=request,
    )
    return Status(201, _dossier_out(dossier))


def _dossier_out(dossier: Dossier) -> dict[str, Any]:
    snapshot = dossier.snapshot
    return {
        "cycle_id": dossier.cycle_id,
        "number": dossier.number,
        "sha256": dossier.sha256,
        "verified": dossier_verify(dossier),
        "created_at": dossier.created_at,
        "signed_by": str(dossier.signed_by),
        "answers": len(snapshot.get("answers", [])),
        "evidence_files": len(snapshot.get("evidence_revisions", [])),
        "pdf_url": reverse("applications:dossier_revision_pdf", args=[dossier.cycle_id, dossier.number]),
        "zip_url": reverse("applications:dossier_revision_zip", args=[dossier.cycle_id, dossier.number]),
    }


@router.get(
    "/cycles/{cycle_id}/dossier",
    operation_id="iasios_api_routers_applications_dossier_get",
    response={200: DossierOut, 404: ErrorOut},
    summary="The frozen dossier: hash, integrity check, download links",
)
def dossier_get(request: HttpRequest, cycle_id: UUID) -> dict[str, Any]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    dossier = selectors.latest_dossier(cycle)
    if dossier is None:
        raise Http404
    return _dossier_out(dossier)


@router.get(
    "/cycles/{cycle_id}/dossiers",
    operation_id="iasios_api_routers_applications_dossier_list",
    response={200: list[DossierOut], 404: ErrorOut},
    summary="Every dossier revision, newest first",
    description="Each submission (the first, and each resubmission after a return or an amendment round) "
    "froze one revision; none ever changes.",
)
def dossier_list(request: HttpRequest, cycle_id: UUID) -> list[dict[str, Any]]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    return [_dossier_out(d) for d in Dossier.objects.filter(cycle=cycle).select_related("signed_by")]


@router.get(
    "/cycles/{cycle_id}/dossiers/{number}",
    operation_id="iasios_api_routers_applications_dossier_revision_get",
    response={200: DossierOut, 404: ErrorOut},
    summary="One dossier revision",
)
def dossier_revision_get(request: HttpRequest, cycle_id: UUID, number: int) -> dict[str, Any]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    return _dossier_out(get_object_or_404(Dossier.objects.select_related("signed_by"), cycle=cycle, number=number))


class EvidenceChangeOut(Schema):
    title: str
    sha256: str | None
    document_id: UUID


class RequirementChangeOut(Schema):
    requirement: str
    standard: int
    core: bool
    kind: str
    claim_before: str
    claim_after: str
    claim_changed: bool
    narrative_changed: bool
    narrative_before: str
    narrative_after: str
    na_reason_changed: bool
    evidence_added: list[EvidenceChangeOut]
    evidence_removed: list[EvidenceChangeOut]


def _changes_out(changes: list[selectors.RequirementChange]) -> list[dict[str, Any]]:
    def evidence(items: list[selectors.EvidenceChange]) -> list[dict[str, Any]]:
        return [{"title": e.title, "sha256": e.sha256, "document_id": e.document} for e in items]

    return [
        {
            "requirement": c.requirement,
            "standard": c.standard,
            "core": c.core,
            "kind": c.kind,
            "claim_before": c.claim_before,
            "claim_after": c.claim_after,
            "claim_changed": c.claim_changed,
            "narrative_changed": c.narrative_changed,
            "narrative_before": c.narrative_before,
            "narrative_after": c.narrative_after,
            "na_reason_changed": c.na_reason_changed,
            "evidence_added": evidence(c.evidence_added),
            "evidence_removed": evidence(c.evidence_removed),
        }
        for c in changes
    ]


@router.get(
    "/cycles/{cycle_id}/changes",
    operation_id="iasios_api_routers_applications_changes_between",
    response={200: list[RequirementChangeOut], 404: ErrorOut},
    summary="What changed between two dossier revisions",
    description="`to` defaults to the latest revision and `from` to the one before it (0: against nothing). "
    "Only requirements whose claim, narrative, reason or evidence (by file SHA-256) changed are listed.",
)
def changes_between(
    request: HttpRequest, cycle_id: UUID, to: int | None = None, from_: int | None = Query(None, alias="from")
) -> list[dict[str, Any]]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    dossiers = {d.number: d for d in Dossier.objects.filter(cycle=cycle)}
    if not dossiers:
        raise Http404
    new_number = to if to is not None else max(dossiers)
    old_number = from_ if from_ is not None else new_number - 1
    new = dossiers.get(new_number)
    if new is None or old_number >= new_number or (old_number and old_number not in dossiers):
        raise Http404
    return _changes_out(selectors.dossier_changes(dossiers.get(old_number), new))


@router.get(
    "/cycles/{cycle_id}/changes-since-previous-cycle",
    operation_id="iasios_api_routers_applications_changes_since_previous",
    response={200: list[RequirementChangeOut], 404: ErrorOut},
    summary="A re-certification against the last decided cycle",
    description="Requirements are matched by standard number and letter across versions of the standards.",
)
def changes_since_previous(request: HttpRequest, cycle_id: UUID) -> list[dict[str, Any]]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    result = selectors.cycle_changes_since_previous(cycle)
    if result is None:
        raise Http404
    return _changes_out(result)


# ----------------------------------------------------------------------------- the office's hand-overs


class ReasonIn(Schema):
    reason: str


@router.post(
    "/cycles/{cycle_id}/return",
    operation_id="iasios_api_routers_applications_cycle_return",
    response={200: CycleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Return a submitted application to the facility (office)",
    description="A reason is required; the facility sees it. 409 when the application is not submitted.",
)
def cycle_return(request: HttpRequest, cycle_id: UUID, payload: ReasonIn) -> Any:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    cycle_services.cycle_return(cycle=cycle, actor=request.user, reason=payload.reason)
    return cycle_out(get_visible_cycle_or_404(request.user, cycle_id))


@router.post(
    "/cycles/{cycle_id}/start-assessment",
    operation_id="iasios_api_routers_applications_cycle_start_assessment",
    response={200: CycleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Pass a submitted application to the assessors (office)",
)
def cycle_start_assessment(request: HttpRequest, cycle_id: UUID) -> Any:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    cycle_services.cycle_start_assessment(cycle=cycle, actor=request.user)
    return cycle_out(get_visible_cycle_or_404(request.user, cycle_id))


@router.post(
    "/cycles/{cycle_id}/send-to-committee",
    operation_id="iasios_api_routers_applications_cycle_send_to_committee",
    response={200: CycleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Send an assessed application to the committee (office)",
    description="409 until the assessors' recommendation is ready.",
)
def cycle_send_to_committee(request: HttpRequest, cycle_id: UUID) -> Any:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    cycle_services.cycle_send_to_committee(cycle=cycle, actor=request.user)
    return cycle_out(get_visible_cycle_or_404(request.user, cycle_id))


@router.post(
    "/cycles/{cycle_id}/close-amendment",
    operation_id="iasios_api_routers_applications_cycle_close_amendment",
    response={200: CycleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Close an amendment round whose resubmission window has passed (office)",
    description='The "areas to amend" decision stands and the application is decided. '
    "409 while the window is still open.",
)
def cycle_close_amendment(request: HttpRequest, cycle_id: UUID) -> Any:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    cycle_services.cycle_close_amendment(cycle=cycle, actor=request.user)
    return cycle_out(get_visible_cycle_or_404(request.user, cycle_id))


# ----------------------------------------------------------------------------- re-certification


class RecertificationIn(Schema):
    aim: str = CycleAim.ACCREDITED


@router.post(
    "/facilities/{facility_id}/recertification",
    operation_id="iasios_api_routers_applications_recertification_start",
    response={201: CycleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Start a re-certification from the last decided application",
    description="While the re-certification window is open and no application is open. `aim` is "
    "`accredited` or `centre_of_excellence` (after a full term only). Answers and evidence links are "
    "carried over, each to confirm or change.",
)
def recertification_start(request: HttpRequest, facility_id: UUID, payload: RecertificationIn) -> Status:
    facility = get_visible_facility_or_404(request.user, facility_id)
    cycle = cycle_services.cycle_start_recertification(facility=facility, user=request.user, aim=payload.aim)
    return Status(201, cycle_out(cycle))
