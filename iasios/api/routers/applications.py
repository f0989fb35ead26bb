"""The application through the API: cycles, answers, evidence, pre-flight, submission, dossier.

The same services and the same access module as the pages. A cycle or facility the token's
owner may not see is 404; a write they may not make is 403; a write to a cycle that is not with
the facility (or to a carried-over answer during an amendment round), a transition the state
does not allow, or a save from a stale revision is 409.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Schema, Status

from iasios.api.api import ErrorOut, error_response
from iasios.applications import selectors, services
from iasios.applications.access import (
    can_edit_cycle,
    can_edit_evidence,
    can_submit_cycle,
    can_view_evidence,
    get_visible_cycle_or_404,
)
from iasios.applications.dossier import dossier_verify
from iasios.applications.filetypes import RefusedFile, sanitise_file_name
from iasios.applications.models import EDITABLE_CYCLE_STATES, Answer, Cycle, Dossier, EvidenceDocument, EvidenceLink
from iasios.applications.uploads import evidence_upload_handlers, too_large_message
from iasios.cycles import selectors as cycle_selectors
from iasios.cycles import services as cycle_services
from iasios.facilities.access import get_visible_facility_or_404
from iasios.facilities.models import Facility

router = Router(tags=["applications"])


# ----------------------------------------------------------------------------- schemas


class ProgressOut(Schema):
    done: int
    total: int


class CycleOut(Schema):
    id: UUID
    facility_id: UUID
    kind: str
    aim: str
    status: str
    framework: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    previous_cycle_id: UUID | None
    core: ProgressOut
    extended: ProgressOut
    carried_over_pending: int


class EvidenceRefOut(Schema):
    document_id: UUID
    title: str
    available_on_request: bool
    latest_revision_id: UUID | None
    latest_sha256: str | None


class AnswerOut(Schema):
    id: UUID
    requirement: str
    standard: int
    core: bool
    claim: str
    na_reason: str
    narrative: str
    assignee_id: UUID | None
    revision: int
    carried_over: bool
    updated_at: datetime.datetime
    evidence: list[EvidenceRefOut]


class AnswerIn(Schema):
    revision: int
    claim: str = ""
    na_reason: str = ""
    narrative: str = ""
    assignee_id: UUID | None = None


class StaleOut(Schema):
    error: dict[str, Any]
    current: AnswerOut
    yours: dict[str, Any]


class RevisionOut(Schema):
    id: UUID
    number: int
    file_name: str
    kind: str
    content_type: str
    size: int
    sha256: str
    received_at: datetime.datetime
    download_url: str


class DocumentOut(Schema):
    id: UUID
    title: str
    description: str
    effective_on: datetime.date | None
    expires_on: datetime.date | None
    available_on_request: bool
    revisions: list[RevisionOut]


class LinkIn(Schema):
    document_id: UUID


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


# ----------------------------------------------------------------------------- helpers


def _cycle_out(cycle: Cycle) -> dict[str, Any]:
    overview = selectors.cycle_overview(cycle)
    return {
        "id": cycle.pk,
        "facility_id": cycle.facility_id,
        "kind": cycle.kind,
        "aim": cycle.aim,
        "status": cycle.status,
        "framework": f"{cycle.framework.code} {cycle.framework.version}",
        "created_at": cycle.created_at,
        "submitted_at": cycle.submitted_at,
        "decided_at": cycle.decided_at,
        "previous_cycle_id": cycle.previous_id,
        "core": {"done": overview.core.done, "total": overview.core.total},
        "extended": {"done": overview.extended.done, "total": overview.extended.total},
        "carried_over_pending": cycle.answers.filter(carried_over=True).count() if cycle.is_recertification else 0,
    }


def _answer_out(answer: Answer) -> dict[str, Any]:
    evidence = []
    for link in answer.links.all():
        latest = link.document.latest_revision()
        evidence.append(
            {
                "document_id": link.document_id,
                "title": link.document.title,
                "available_on_request": link.document.available_on_request,
                "latest_revision_id": latest.pk if latest else None,
                "latest_sha256": latest.sha256 if latest else None,
            }
        )
    return {
        "id": answer.pk,
        "requirement": answer.requirement.reference,
        "standard": answer.requirement.standard.number,
        "core": answer.requirement.core,
        "claim": answer.claim,
        "na_reason": answer.na_reason,
        "narrative": answer.narrative,
        "assignee_id": answer.assignee_id,
        "revision": answer.revision,
        "carried_over": answer.carried_over,
        "updated_at": answer.updated_at,
        "evidence": evidence,
    }


def _answers(cycle: Cycle) -> Any:
    return (
        Answer.objects.filter(cycle=cycle)
        .select_related("requirement__standard")
        .prefetch_related(
            Prefetch("links", queryset=EvidenceLink.objects.select_related("document")),
            Prefetch("links__document__revisions", queryset=selectors.revisions_newest_first()),
        )
        .order_by("requirement__position")
    )


def _revision_out(revision: Any) -> dict[str, Any]:
    return {
        "id": revision.pk,
        "number": revision.number,
        "file_name": revision.original_name,
        "kind": revision.kind,
        "content_type": revision.content_type,
        "size": revision.size,
        "sha256": revision.sha256,
        "received_at": revision.received_at,
        "download_url": reverse("applications:revision_download", args=[revision.pk]),
    }


def _document_out(document: EvidenceDocument) -> dict[str, Any]:
    return {
        "id": document.pk,
        "title": document.title,
        "description": document.description,
        "effective_on": document.effective_on,
        "expires_on": document.expires_on,
        "available_on_request": document.available_on_request,
        "revisions": [_revision_out(r) for r in document.revisions.all()],
    }


def _writable_cycle(request: HttpRequest, cycle_id: UUID) -> Cycle:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    if cycle.status not in EDITABLE_CYCLE_STATES:
        raise services.CycleLocked("This application has been submitted; it can no longer be changed.")
    if not can_edit_cycle(request.user, cycle):
        raise PermissionDenied("You may not change this application.")
    return cycle


def _evidence_facility(request: HttpRequest, facility_id: UUID) -> Facility:
    facility = Facility.objects.filter(pk=facility_id).first()
    if facility is None or not can_view_evidence(request.user, facility):
        raise Http404
    return facility


# ----------------------------------------------------------------------------- endpoints


@router.post(
    "/facilities/{facility_id}/cycles",
    response={201: CycleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Start an application (initial accreditation)",
    description="Enrolled Centres only, by the representative, contact person or a contributor; "
    "at most one open application per facility. Pins the current standards version.",
)
def cycle_start(request: HttpRequest, facility_id: UUID) -> Status:
    facility = get_visible_facility_or_404(request.user, facility_id)
    cycle = cycle_services.cycle_start(facility=facility, user=request.user)
    return Status(201, _cycle_out(cycle))


@router.get("/cycles/{cycle_id}", response={200: CycleOut, 404: ErrorOut}, summary="One application with progress")
def cycle_get(request: HttpRequest, cycle_id: UUID) -> dict[str, Any]:
    return _cycle_out(get_visible_cycle_or_404(request.user, cycle_id))


@router.get("/cycles/{cycle_id}/answers", response={200: list[AnswerOut], 404: ErrorOut}, summary="All answers")
def answer_list(request: HttpRequest, cycle_id: UUID) -> list[dict[str, Any]]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    return [_answer_out(a) for a in _answers(cycle)]


@router.get("/cycles/{cycle_id}/answers/{answer_id}", response={200: AnswerOut, 404: ErrorOut}, summary="One answer")
def answer_get(request: HttpRequest, cycle_id: UUID, answer_id: UUID) -> dict[str, Any]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    return _answer_out(get_object_or_404(_answers(cycle), pk=answer_id))


@router.put(
    "/cycles/{cycle_id}/answers/{answer_id}",
    response={200: AnswerOut, 403: ErrorOut, 404: ErrorOut, 409: StaleOut | ErrorOut, 422: ErrorOut},
    summary="Save an answer",
    description="`revision` is the revision the edit started from. When someone saved in between, "
    "nothing is written and 409 returns the current answer and your refused input, to merge.",
)
def answer_update(request: HttpRequest, cycle_id: UUID, answer_id: UUID, payload: AnswerIn) -> Any:
    cycle = _writable_cycle(request, cycle_id)
    answer = get_object_or_404(Answer.objects.select_related("cycle__facility"), pk=answer_id, cycle=cycle)
    data = services.AnswerInput(
        claim=payload.claim, na_reason=payload.na_reason, narrative=payload.narrative, assignee_id=payload.assignee_id
    )
    try:
        services.answer_save(answer=answer, user=request.user, base_revision=payload.revision, data=data)
    except services.StaleAnswer as stale:
        current = get_object_or_404(_answers(cycle), pk=answer_id)
        return Status(
            409,
            {
                "error": {"code": "stale", "message": str(stale), "fields": [{"field": "revision", "reason": "stale"}]},
                "current": _answer_out(current),
                "yours": stale.yours,
            },
        )
    return Status(200, _answer_out(get_object_or_404(_answers(cycle), pk=answer_id)))


@router.post(
    "/cycles/{cycle_id}/answers/{answer_id}/evidence",
    response={201: AnswerOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Link an evidence document to an answer",
)
def link_add(request: HttpRequest, cycle_id: UUID, answer_id: UUID, payload: LinkIn) -> Status:
    cycle = _writable_cycle(request, cycle_id)
    answer = get_object_or_404(Answer.objects.select_related("cycle__facility"), pk=answer_id, cycle=cycle)
    document = EvidenceDocument.objects.filter(pk=payload.document_id, facility=cycle.facility).first()
    if document is None:
        raise ValidationError({"document_id": "Choose a document from this facility's evidence library."})
    services.evidence_link(answer=answer, document=document, user=request.user)
    return Status(201, _answer_out(get_object_or_404(_answers(cycle), pk=answer_id)))


@router.delete(
    "/cycles/{cycle_id}/answers/{answer_id}/evidence/{document_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Unlink an evidence document from an answer",
)
def link_remove(request: HttpRequest, cycle_id: UUID, answer_id: UUID, document_id: UUID) -> Status:
    cycle = _writable_cycle(request, cycle_id)
    answer = get_object_or_404(Answer.objects.select_related("cycle__facility"), pk=answer_id, cycle=cycle)
    document = get_object_or_404(EvidenceDocument, pk=document_id, facility=cycle.facility)
    services.evidence_unlink(answer=answer, document=document, user=request.user)
    return Status(204, None)


@router.get(
    "/facilities/{facility_id}/evidence",
    response={200: list[DocumentOut], 404: ErrorOut},
    summary="The facility's evidence library",
)
def evidence_list(request: HttpRequest, facility_id: UUID) -> list[dict[str, Any]]:
    facility = _evidence_facility(request, facility_id)
    return [_document_out(d) for d in selectors.library_documents(facility)]


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "title": {"type": "string", "description": "With one file; several files take their names"},
                        "description": {"type": "string"},
                        "effective_on": {"type": "string", "format": "date"},
                        "expires_on": {"type": "string", "format": "date"},
                        "available_on_request": {"type": "boolean"},
                    },
                }
            }
        },
    }
}


def _date(value: str, field: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError({field: "Use the form YYYY-MM-DD."}) from exc


@router.post(
    "/facilities/{facility_id}/evidence",
    response={201: list[DocumentOut], 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary="Upload evidence (multipart: one document per file, or one available on request)",
    description="Each file is checked from its content against the allow-list and limited in size; "
    "a refused file answers 422 (413 when too large) and nothing of that request is stored.",
    openapi_extra=_UPLOAD_BODY,
)
def evidence_upload(request: HttpRequest, facility_id: UUID) -> Any:
    # The handlers go in before anything reads the body: files stream to disk under the limit.
    limiter = evidence_upload_handlers(request)
    facility = _evidence_facility(request, facility_id)
    if not can_edit_evidence(request.user, facility):
        raise PermissionDenied("You may not change this facility's evidence library.")
    post = request.POST
    files = request.FILES.getlist("files") or request.FILES.getlist("file")
    if limiter.refused:
        return error_response(
            request,
            413,
            "too_large",
            too_large_message(limiter.refused[0]),
            [{"field": "files", "reason": "too large"}],
        )
    description = post.get("description", "")
    effective_on = _date(post.get("effective_on", ""), "effective_on")
    expires_on = _date(post.get("expires_on", ""), "expires_on")
    on_request = post.get("available_on_request", "").lower() in {"1", "true", "yes", "on"}

    def document_input(title: str) -> services.DocumentInput:
        return services.DocumentInput(
            title=title,
            description=description,
            effective_on=effective_on,
            expires_on=expires_on,
            available_on_request=on_request,
        )

    title = post.get("title", "")
    created: list[EvidenceDocument] = []
    stored_keys: list[str] = []
    try:
        # All or nothing: a refused file undoes the documents of the same request.
        with transaction.atomic():
            if not files:
                data = document_input(title)
                created.append(services.evidence_document_create(facility=facility, user=request.user, data=data))
            for upload in files:
                name_title = sanitise_file_name(upload.name or "").rsplit(".", 1)[0]
                data = document_input(title if len(files) == 1 and title else name_title)
                document = services.evidence_document_create(
                    facility=facility, user=request.user, data=data, upload=upload
                )
                created.append(document)
                stored_keys.extend(document.revisions.values_list("storage_key", flat=True))
    except (RefusedFile, ValidationError) as exc:
        for key in stored_keys:
            default_storage.delete(key)
        if isinstance(exc, ValidationError):
            raise
        return error_response(request, 422, "refused_file", str(exc), [{"field": "files", "reason": str(exc)}])
    documents = (
        EvidenceDocument.objects.filter(pk__in=[d.pk for d in created]).prefetch_related("revisions").order_by("title")
    )
    return Status(201, [_document_out(d) for d in documents])


@router.get(
    "/cycles/{cycle_id}/preflight",
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
    response={201: DossierOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Sign the declaration and submit",
    description="The authorised representative only. `password` is their account password; a "
    "representative who uses an authenticator app gives its current `code` instead. "
    "Freezes the dossier; the application becomes read-only.",
)
def submit(request: HttpRequest, cycle_id: UUID, payload: SubmitIn) -> Status:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    if cycle.status not in EDITABLE_CYCLE_STATES:
        raise services.CycleLocked("This application has already been submitted.")
    if not can_submit_cycle(request.user, cycle):
        raise PermissionDenied("Only the authorised representative can sign and submit.")
    dossier = cycle_services.cycle_submit(
        cycle=cycle,
        user=request.user,
        declaration_accepted=payload.declaration,
        password=payload.password,
        code=payload.code,
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
    response={200: CycleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Return a submitted application to the facility (office)",
    description="A reason is required; the facility sees it. 409 when the application is not submitted.",
)
def cycle_return(request: HttpRequest, cycle_id: UUID, payload: ReasonIn) -> Any:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    cycle_services.cycle_return(cycle=cycle, actor=request.user, reason=payload.reason)
    return _cycle_out(get_visible_cycle_or_404(request.user, cycle_id))


@router.post(
    "/cycles/{cycle_id}/start-assessment",
    response={200: CycleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Pass a submitted application to the assessors (office)",
)
def cycle_start_assessment(request: HttpRequest, cycle_id: UUID) -> Any:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    cycle_services.cycle_start_assessment(cycle=cycle, actor=request.user)
    return _cycle_out(get_visible_cycle_or_404(request.user, cycle_id))


@router.post(
    "/cycles/{cycle_id}/send-to-committee",
    response={200: CycleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Send an assessed application to the committee (office)",
    description="409 until the assessors' recommendation is ready.",
)
def cycle_send_to_committee(request: HttpRequest, cycle_id: UUID) -> Any:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    cycle_services.cycle_send_to_committee(cycle=cycle, actor=request.user)
    return _cycle_out(get_visible_cycle_or_404(request.user, cycle_id))


# ----------------------------------------------------------------------------- re-certification


class RecertificationIn(Schema):
    aim: str = "accredited"


@router.post(
    "/facilities/{facility_id}/recertification",
    response={201: CycleOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Start a re-certification from the last decided application",
    description="While the re-certification window is open and no application is open. `aim` is "
    "`accredited` or `centre_of_excellence` (after a full term only). Answers and evidence links are "
    "carried over, each to confirm or change.",
)
def recertification_start(request: HttpRequest, facility_id: UUID, payload: RecertificationIn) -> Status:
    facility = get_visible_facility_or_404(request.user, facility_id)
    cycle = cycle_services.cycle_start_recertification(facility=facility, user=request.user, aim=payload.aim)
    return Status(201, _cycle_out(cycle))


@router.post(
    "/cycles/{cycle_id}/answers/{answer_id}/confirm",
    response={200: AnswerOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Confirm a carried-over answer as it stands",
)
def answer_confirm(request: HttpRequest, cycle_id: UUID, answer_id: UUID) -> dict[str, Any]:
    cycle = _writable_cycle(request, cycle_id)
    answer = get_object_or_404(
        Answer.objects.select_related("cycle__facility", "requirement__standard"), pk=answer_id, cycle=cycle
    )
    services.answer_confirm(answer=answer, user=request.user)
    return _answer_out(get_object_or_404(_answers(cycle), pk=answer_id))


class ConfirmIn(Schema):
    answer_ids: list[UUID]


@router.post(
    "/cycles/{cycle_id}/confirm",
    response={200: list[AnswerOut], 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Confirm several carried-over answers at once",
)
def answers_confirm(request: HttpRequest, cycle_id: UUID, payload: ConfirmIn) -> list[dict[str, Any]]:
    cycle = _writable_cycle(request, cycle_id)
    services.answers_confirm(cycle=cycle, user=request.user, answer_ids=payload.answer_ids)
    wanted = {str(a) for a in payload.answer_ids}
    return [_answer_out(a) for a in _answers(cycle) if str(a.pk) in wanted]
