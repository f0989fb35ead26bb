"""The application through the API: cycles, answers, evidence (and, mounted inside this router,
the lifecycle endpoints of applications_cycle.py: start, submission, dossiers, hand-overs).

The same services and the same access rules as the pages. A cycle or facility the token's
owner may not see is 404; a write they may not make is 403; a write to a cycle that is not with
the facility (or to a carried-over answer during an amendment round), a transition the state
does not allow, or a save from a stale revision is 409. Refusals reach the API's one handler.
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from iasios.api.api import ErrorOut, error_response
from iasios.api.routers import applications_cycle
from iasios.api.routers.applications_out import (
    AnswerOut,
    AnswerPatchIn,
    AnswerPutIn,
    CycleOut,
    DocumentOut,
    LinkIn,
    StaleOut,
    answer_out,
    answers_of,
    cycle_out,
    document_out,
)
from iasios.applications import selectors, services
from iasios.applications.access import can_edit_cycle, can_edit_evidence, can_view_evidence
from iasios.applications.filetypes import RefusedFile, sanitise_file_name
from iasios.applications.models import EDITABLE_CYCLE_STATES, Answer, Cycle, EvidenceDocument
from iasios.applications.uploads import evidence_upload_handlers, too_large_message
from iasios.cycles.access import get_visible_cycle_or_404
from iasios.facilities.models import Facility

router = Router(tags=["applications"])


def _writable_cycle(request: HttpRequest, cycle_id: UUID) -> Cycle:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    if cycle.status not in EDITABLE_CYCLE_STATES:
        raise services.CycleLocked(_("This application has been submitted; it can no longer be changed."))
    if not can_edit_cycle(request.user, cycle):
        raise PermissionDenied(_("You may not change this application."))
    return cycle


def _evidence_facility(request: HttpRequest, facility_id: UUID) -> Facility:
    facility = Facility.objects.filter(pk=facility_id).first()
    if facility is None or not can_view_evidence(request.user, facility):
        raise Http404
    return facility


@router.get("/cycles/{cycle_id}", response={200: CycleOut, 404: ErrorOut}, summary="One application with progress")
def cycle_get(request: HttpRequest, cycle_id: UUID) -> dict[str, Any]:
    return cycle_out(get_visible_cycle_or_404(request.user, cycle_id))


@router.get("/cycles/{cycle_id}/answers", response={200: list[AnswerOut], 404: ErrorOut}, summary="All answers")
def answer_list(request: HttpRequest, cycle_id: UUID) -> list[dict[str, Any]]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    return [answer_out(a) for a in answers_of(cycle)]


@router.get("/cycles/{cycle_id}/answers/{answer_id}", response={200: AnswerOut, 404: ErrorOut}, summary="One answer")
def answer_get(request: HttpRequest, cycle_id: UUID, answer_id: UUID) -> dict[str, Any]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    return answer_out(get_object_or_404(answers_of(cycle), pk=answer_id))


_SAVE_RESPONSES: dict[int, Any] = {
    200: AnswerOut,
    403: ErrorOut,
    404: ErrorOut,
    409: StaleOut | ErrorOut,
    422: ErrorOut,
}


@router.put(
    "/cycles/{cycle_id}/answers/{answer_id}",
    response=_SAVE_RESPONSES,
    summary="Replace an answer",
    description="Every field is required (422 names the missing ones); to change some fields only, use PATCH. "
    "`revision` is the revision the edit started from. When someone saved in between, "
    "nothing is written and 409 returns the current answer and your refused input, to merge.",
)
def answer_update(request: HttpRequest, cycle_id: UUID, answer_id: UUID, payload: AnswerPutIn) -> Any:
    cycle = _writable_cycle(request, cycle_id)
    answer = get_object_or_404(Answer.objects.select_related("cycle__facility"), pk=answer_id, cycle=cycle)
    data = services.AnswerInput(
        claim=payload.claim, na_reason=payload.na_reason, narrative=payload.narrative, assignee_id=payload.assignee_id
    )
    return _save(request, cycle, answer, payload.revision, data)


@router.patch(
    "/cycles/{cycle_id}/answers/{answer_id}",
    response=_SAVE_RESPONSES,
    summary="Change part of an answer",
    description="Only the fields sent change; `revision` is required. A claim other than not_applicable "
    "clears the N/A reason, as on the page. When someone saved since `revision`, nothing is written "
    "and 409 returns the current answer and your refused input, to merge.",
)
def answer_patch(request: HttpRequest, cycle_id: UUID, answer_id: UUID, payload: AnswerPatchIn) -> Any:
    cycle = _writable_cycle(request, cycle_id)
    answer = get_object_or_404(Answer.objects.select_related("cycle__facility"), pk=answer_id, cycle=cycle)
    sent = payload.model_fields_set
    # The fields left out keep the answer's current values; a save in between is still refused
    # as stale, because the service compares `revision` under its lock.
    data = services.AnswerInput(
        claim=payload.claim if "claim" in sent else answer.claim,
        na_reason=payload.na_reason if "na_reason" in sent else answer.na_reason,
        narrative=payload.narrative if "narrative" in sent else answer.narrative,
        assignee_id=payload.assignee_id if "assignee_id" in sent else answer.assignee_id,
    )
    return _save(request, cycle, answer, payload.revision, data)


def _save(request: HttpRequest, cycle: Cycle, answer: Answer, revision: int, data: services.AnswerInput) -> Any:
    try:
        services.answer_save(answer=answer, user=request.user, base_revision=revision, data=data)
    except services.StaleAnswer as stale:
        current = get_object_or_404(answers_of(cycle), pk=answer.pk)
        return Status(
            409,
            {
                "error": {"code": "stale", "message": str(stale), "fields": [{"field": "revision", "reason": "stale"}]},
                "current": answer_out(current),
                "yours": stale.yours,
            },
        )
    return Status(200, answer_out(get_object_or_404(answers_of(cycle), pk=answer.pk)))


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
        raise ValidationError({"document_id": _("Choose a document from this facility's evidence library.")})
    services.evidence_link(answer=answer, document=document, user=request.user)
    return Status(201, answer_out(get_object_or_404(answers_of(cycle), pk=answer_id)))


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
    return [document_out(d) for d in selectors.library_documents(facility)]


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
        raise ValidationError({field: _("Use the form YYYY-MM-DD.")}) from exc


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
        raise PermissionDenied(_("You may not change this facility's evidence library."))
    post = request.POST
    files = request.FILES.getlist("files") or request.FILES.getlist("file")
    if limiter.refused:
        return error_response(
            request,
            413,
            "too_large",
            too_large_message(limiter.refused[0]),
            [{"field": "files", "reason": _("too large")}],
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
    return Status(201, [document_out(d) for d in documents])


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
    return answer_out(get_object_or_404(answers_of(cycle), pk=answer_id))


class AnswersConfirmIn(Schema):
    answer_ids: list[UUID]


@router.post(
    "/cycles/{cycle_id}/confirm",
    response={200: list[AnswerOut], 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Confirm several carried-over answers at once",
)
def answers_confirm(request: HttpRequest, cycle_id: UUID, payload: AnswersConfirmIn) -> list[dict[str, Any]]:
    cycle = _writable_cycle(request, cycle_id)
    services.answers_confirm(cycle=cycle, user=request.user, answer_ids=payload.answer_ids)
    wanted = {str(a) for a in payload.answer_ids}
    return [answer_out(a) for a in answers_of(cycle) if str(a.pk) in wanted]


# The lifecycle endpoints (start, submission, dossiers, hand-overs, re-certification), same paths.
router.add_router("", applications_cycle.router)
