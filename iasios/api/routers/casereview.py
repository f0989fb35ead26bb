"""The internal case review through the API: log upload, draw, verification, exclusions,
reviews and the summary of one cycle.

Same services, selectors and access rules as the pages (iasios.casereview). A cycle the token's
owner may not see answers 404; a change they may not make answers 403; a change the state does
not allow (a submitted cycle, a second draw) answers 409; bad input answers 422.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status

from iasios.api.api import ErrorOut
from iasios.applications.models import Cycle
from iasios.casereview import selectors, services
from iasios.casereview.models import ProcedureLog, SampledCase, SampleDraw
from iasios.casereview.validation import COLUMNS, template_rows
from iasios.core.exports import csv_response
from iasios.cycles.access import get_visible_cycle_or_404

router = Router(tags=["case review"])


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut, 422: ErrorOut}


class LogRowErrorOut(Schema):
    row: int | None = Field(description="Row in the file, the header being row 1; null for the whole file.")
    column: str
    code: str = Field(
        description="bad_date, date_outside_period, date_in_future, unknown_category, duplicate_reference, "
        "missing_value, missing_column, unexpected_column, identity_column, reference_name, "
        "reference_birth_date, reference_patient_number, reference_format, identity_name, "
        "identity_birth_date, identity_patient_number, extra_values, too_few_rows, not_text, empty, "
        "too_large, same_log, period_in_future."
    )
    message: str


class LogOut(Schema):
    period_start: date
    period_end: date = Field(description="Inclusive.")
    row_count: int
    sha256: str = Field(description="SHA-256 of the canonical form of the rows (docs/case-review-sampling.md).")
    file_sha256: str = Field(description="SHA-256 of the uploaded bytes.")


class UploadReportOut(Schema):
    upload_id: UUID
    accepted: bool
    file_name: str
    file_sha256: str
    data_rows: int
    errors: list[LogRowErrorOut]


class LogRefusedOut(Schema):
    error: dict[str, Any]
    upload_id: UUID
    errors: list[LogRowErrorOut]


class DrawOut(Schema):
    seed: str = Field(description="32 hex digits from a secure random source.")
    algorithm: str = Field(description="E.g. icr-hmac-sha256-rank-v1.")
    log_sha256: str
    sample_size: int
    drawn_at: str


class ReviewAnswerOut(Schema):
    item: str = Field(description="Checklist item code.")
    answer: str = Field(description="yes, no or na.")
    note: str


class ReviewOut(Schema):
    position: int
    reference: str
    complete: bool
    complication_grade: int | None
    answers: list[ReviewAnswerOut]


class SampledCaseOut(Schema):
    position: int = Field(description="1-based position in the seeded sequence.")
    reference: str
    procedure_date: date
    category: str
    excluded: bool
    exclusion_reason: str
    replaces_position: int | None
    review_complete: bool


class CaseReviewOut(Schema):
    cycle_id: UUID
    complete: bool
    reviewed: int
    required: int
    blockers: list[str]
    url: str
    log: LogOut | None
    draw: DrawOut | None
    sampled_cases: list[SampledCaseOut]


class SampleVerificationOut(Schema):
    matches: bool
    log_hash_matches: bool
    algorithm_known: bool
    stored_log_hash: str
    computed_log_hash: str
    expected: list[str] = Field(description="References at positions 1…k, recomputed from the stored log and seed.")
    stored: list[str] = Field(description="References of the stored sampled cases, by position.")


class ExcludeIn(Schema):
    reason: str = Field(min_length=1, max_length=services.REASON_MAX_LENGTH)


class CaseReviewAnswerIn(Schema):
    item: str = Field(description="Checklist item code.")
    answer: str = Field(description="yes, no, na, or an empty string to clear the answer.")
    note: str = Field("", max_length=services.NOTE_MAX_LENGTH)


class ReviewIn(Schema):
    answers: list[CaseReviewAnswerIn]
    complication_grade: int | None = Field(None, ge=0, le=6, description="CIRSE grade 0–6.")


class ItemSummaryOut(Schema):
    item: str
    text: str
    target_percent: int
    yes: int
    no: int
    not_applicable: int
    compliance_percent: float | None = Field(description="yes / (yes + no) × 100; null when no case applies.")
    meets_target: bool | None


class SummaryOut(Schema):
    reviewed: int
    required: int
    items: list[ItemSummaryOut]
    complication_grades: dict[str, int]


def _log(log: ProcedureLog) -> dict[str, Any]:
    return {
        "period_start": log.period_start,
        "period_end": log.period_end,
        "row_count": log.row_count,
        "sha256": log.sha256,
        "file_sha256": log.file_sha256,
    }


def _draw(draw: SampleDraw) -> dict[str, Any]:
    return {
        "seed": draw.seed,
        "algorithm": draw.algorithm,
        "log_sha256": draw.log_sha256,
        "sample_size": draw.sample_size,
        "drawn_at": draw.created_at.isoformat(),
    }


def _sampled(sc: SampledCase) -> dict[str, Any]:
    review = selectors.review_of(sc)
    return {
        "position": sc.position,
        "reference": sc.case.reference,
        "procedure_date": sc.case.procedure_date,
        "category": sc.case.category,
        "excluded": sc.excluded,
        "exclusion_reason": sc.excluded_reason,
        "replaces_position": sc.replaces.position if sc.replaces else None,
        "review_complete": bool(review and review.complete),
    }


def _review(sc: SampledCase) -> dict[str, Any]:
    review = selectors.review_of(sc)
    return {
        "position": sc.position,
        "reference": sc.case.reference,
        "complete": bool(review and review.complete),
        "complication_grade": review.complication_grade if review else None,
        "answers": [
            {"item": a.item.code, "answer": a.answer, "note": a.note}
            for a in (review.answers.select_related("item").order_by("item__position") if review else [])
        ],
    }


def _current_draw(cycle: Cycle) -> SampleDraw:
    draw = selectors.log_draw(selectors.procedure_log(cycle))
    if draw is None:
        raise Http404
    return draw


def _case(cycle: Cycle, position: int) -> SampledCase:
    sampled = selectors.sampled_case_at(_current_draw(cycle), position)
    if sampled is None:
        raise Http404
    return sampled


@router.get("/cycles/{cycle_id}", response={200: CaseReviewOut, **ERRORS}, summary="The case review of a cycle")
def case_review_detail(request: HttpRequest, cycle_id: UUID) -> dict[str, Any]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    status = selectors.case_review_status(cycle)
    log = selectors.procedure_log(cycle)
    draw = selectors.log_draw(log)
    return {
        "cycle_id": cycle.pk,
        "complete": status.complete,
        "reviewed": status.reviewed,
        "required": status.required,
        "blockers": status.blockers,
        "url": status.url,
        "log": _log(log) if log else None,
        "draw": _draw(draw) if draw else None,
        "sampled_cases": [_sampled(sc) for sc in selectors.sampled_cases(draw)] if draw else [],
    }


@router.get(
    "/cycles/{cycle_id}/log/template",
    response={200: None, **ERRORS},
    summary="The CSV template of the procedure log",
    openapi_extra={"responses": {200: {"content": {"text/csv": {}}, "description": "CSV file"}}},
)
def log_template(request: HttpRequest, cycle_id: UUID) -> HttpResponse:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    categories = [code for code, _label in cycle.framework.settings.procedure_categories]
    return csv_response("procedure-log-template.csv", COLUMNS, template_rows(categories, timezone.localdate()))


@router.post(
    "/cycles/{cycle_id}/log",
    response={201: LogOut, 422: LogRefusedOut | ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Upload the procedure log (multipart)",
    description="Every row is validated; nothing is stored unless the whole file is clean. A refused file "
    "answers 422 with every problem and its row number. Replacing a log whose cases have reviews needs "
    "discard_reviews=true (otherwise 409). A request whose fields cannot be read answers 422 in the plain error shape.",
)
def log_upload(
    request: HttpRequest,
    cycle_id: UUID,
    file: File[UploadedFile],
    period_start: Form[date],
    discard_reviews: Form[bool] = False,
) -> Status[dict[str, Any]]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    # Reading one byte past the limit is enough for the service to refuse an oversize file.
    data = file.read(services.log_max_bytes() + 1)
    outcome = services.procedure_log_upload(
        cycle=cycle,
        user=request.user,
        data=data,
        file_name=file.name or "",
        period_start=period_start,
        discard_reviews=discard_reviews,
    )
    if outcome.log is None:
        return Status(
            422,
            {
                "error": {
                    "code": "log_refused",
                    "message": _("The procedure log was not stored: fix every listed row and upload it again."),
                    "fields": [],
                },
                "upload_id": outcome.upload.pk,
                "errors": [e.as_dict() for e in outcome.errors],
            },
        )
    return Status(201, _log(outcome.log))


@router.get(
    "/cycles/{cycle_id}/log/errors",
    response={200: UploadReportOut, **ERRORS},
    summary="The report of the latest upload",
)
def log_errors(request: HttpRequest, cycle_id: UUID) -> dict[str, Any]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    upload = selectors.latest_upload(cycle)
    if upload is None:
        raise Http404
    return {
        "upload_id": upload.pk,
        "accepted": upload.accepted,
        "file_name": upload.file_name,
        "file_sha256": upload.file_sha256,
        "data_rows": upload.row_count,
        "errors": upload.errors,
    }


@router.post("/cycles/{cycle_id}/draw", response={201: DrawOut, **WRITE_ERRORS}, summary="Draw the sample")
def draw(request: HttpRequest, cycle_id: UUID) -> Status[dict[str, Any]]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    return Status(201, _draw(services.sample_draw(cycle=cycle, user=request.user)))


@router.get("/cycles/{cycle_id}/verify", response={200: SampleVerificationOut, **ERRORS}, summary="Verify the draw")
def verify(request: HttpRequest, cycle_id: UUID) -> dict[str, Any]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    result = selectors.verify_draw(_current_draw(cycle))
    return {
        "matches": result.matches,
        "log_hash_matches": result.log_hash_matches,
        "algorithm_known": result.algorithm_known,
        "stored_log_hash": result.stored_log_hash,
        "computed_log_hash": result.computed_log_hash,
        "expected": result.expected,
        "stored": result.stored,
    }


@router.post(
    "/cycles/{cycle_id}/cases/{position}/exclude",
    response={201: SampledCaseOut, **WRITE_ERRORS},
    summary="Exclude a sampled case; returns its replacement",
)
def exclude(request: HttpRequest, cycle_id: UUID, position: int, payload: ExcludeIn) -> Status[dict[str, Any]]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    replacement = services.sampled_case_exclude(
        sampled_case=_case(cycle, position), user=request.user, reason=payload.reason
    )
    return Status(201, _sampled(_case(cycle, replacement.position)))


@router.get(
    "/cycles/{cycle_id}/cases/{position}/review", response={200: ReviewOut, **ERRORS}, summary="A case's review"
)
def review_detail(request: HttpRequest, cycle_id: UUID, position: int) -> dict[str, Any]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    return _review(_case(cycle, position))


@router.put(
    "/cycles/{cycle_id}/cases/{position}/review",
    response={200: ReviewOut, **WRITE_ERRORS},
    summary="Save a case's review (the answers given; others unchanged)",
)
def review_save(request: HttpRequest, cycle_id: UUID, position: int, payload: ReviewIn) -> dict[str, Any]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    sampled = _case(cycle, position)
    services.case_review_save(
        sampled_case=sampled,
        user=request.user,
        answers={a.item: services.AnswerInput(a.answer, a.note) for a in payload.answers},
        complication_grade=payload.complication_grade,
    )
    return _review(_case(cycle, position))


@router.get("/cycles/{cycle_id}/summary", response={200: SummaryOut, **ERRORS}, summary="Compliance per item")
def summary(request: HttpRequest, cycle_id: UUID) -> dict[str, Any]:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    result = selectors.review_summary(cycle)
    return {
        "reviewed": result.reviewed,
        "required": result.required,
        "items": [
            {
                "item": s.item.code,
                "text": s.item.text,
                "target_percent": s.item.target_percent,
                "yes": s.yes,
                "no": s.no,
                "not_applicable": s.not_applicable,
                "compliance_percent": s.percent,
                "meets_target": s.meets_target,
            }
            for s in result.items
        ],
        "complication_grades": {str(k): v for k, v in result.grades.items()},
    }
