"""Writes of the internal case review. Each one locks the cycle, refuses unless the case review
is open to change (the cycle is a draft or was returned by the office, and the user may edit it:
`applications.access.can_edit_case_review`), and records an event on the cycle.

In an amendment round the case review stays as submitted: a decision reopens requirements'
answers only, and the case review is not one of them."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from iasios.applications.access import can_edit_case_review
from iasios.applications.models import FULLY_EDITABLE_CYCLE_STATES, Cycle, CycleStatus
from iasios.casereview import selectors
from iasios.casereview.models import (
    CaseReview,
    CaseReviewAnswer,
    ProcedureCase,
    ProcedureLog,
    ProcedureLogUpload,
    ReviewAnswer,
    SampledCase,
    SampleDraw,
)
from iasios.casereview.sampling import CURRENT_ALGORITHM, LogRow, draw_sequence, log_sha256, new_seed
from iasios.casereview.validation import LogError, note_problem, period_end, validate_log
from iasios.core.events import record_event
from iasios.core.refusals import Invalid, NotPermitted
from iasios.core.statemachine import TransitionNotAllowed

DEFAULT_LOG_MAX_BYTES = 5 * 1024 * 1024
NOTE_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 1000


class CaseReviewConflict(TransitionNotAllowed):
    """The action does not fit the state of the case review (or of the cycle)."""


def log_max_bytes() -> int:
    return int(getattr(settings, "PROCEDURE_LOG_MAX_BYTES", DEFAULT_LOG_MAX_BYTES))


def _editable_cycle(cycle: Cycle, user: Any) -> Cycle:
    """The cycle, locked for the rest of the transaction, once it is known to accept changes."""
    locked = Cycle.objects.select_for_update(of=("self",)).select_related("facility", "framework").get(pk=cycle.pk)
    if locked.status == CycleStatus.AMENDING:
        raise CaseReviewConflict(
            _("In an amendment round only the reopened requirements change: the case review stays as submitted.")
        )
    if locked.status not in FULLY_EDITABLE_CYCLE_STATES:
        raise CaseReviewConflict(_("The application has been submitted: its case review can no longer change."))
    if not can_edit_case_review(user, locked):
        raise NotPermitted(_("You may not change this case review."))
    return locked


def _safe_file_name(name: str) -> str:
    base = re.split(r"[\\/]", name or "")[-1]
    return re.sub(r"[^A-Za-z0-9._ -]", "_", base).strip()[:120]


@dataclass(frozen=True)
class UploadOutcome:
    upload: ProcedureLogUpload
    log: ProcedureLog | None
    errors: list[LogError]

    @property
    def accepted(self) -> bool:
        return self.log is not None


def procedure_log_upload(
    *,
    cycle: Cycle,
    user: Any,
    data: bytes,
    file_name: str,
    period_start: date,
    discard_reviews: bool = False,
    today: date | None = None,
) -> UploadOutcome:
    """Validate a whole log and store it in one go, or store nothing but the error report.

    A new log replaces the old one and its draw. When reviews were already saved, they are
    discarded only if the caller says so (`discard_reviews`): otherwise the upload is refused.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        cycle = _editable_cycle(cycle, user)
        programme = cycle.framework.settings
        existing = selectors.procedure_log(cycle)
        reviews = CaseReview.objects.filter(sampled_case__draw__log=existing).count() if existing else 0
        name = _safe_file_name(file_name)
        file_hash = hashlib.sha256(data).hexdigest()
        rows: list[LogRow] = []
        data_rows = 0
        if period_start > today:
            result_errors = [
                LogError(None, "period_start", "period_in_future", _("The review period cannot start in the future."))
            ]
        elif len(data) > log_max_bytes():
            result_errors = [
                LogError(
                    None,
                    "",
                    "too_large",
                    _("The file is larger than %(mb)s MB.") % {"mb": round(log_max_bytes() / 1024 / 1024, 1)},
                )
            ]
        else:
            result = validate_log(
                data,
                period_start=period_start,
                period_months=programme.case_review_period_months,
                categories=[code for code, _label in programme.procedure_categories],
                sample_size=programme.case_review_sample_size,
                today=today,
            )
            result_errors, rows, data_rows = result.errors, result.rows, result.data_rows
        canonical = log_sha256(rows) if rows else ""
        if not result_errors and existing is not None and existing.sha256 == canonical:
            result_errors = [
                LogError(
                    None,
                    "",
                    "same_log",
                    _("This log is the same as the one already uploaded: the sample stays as it is."),
                )
            ]
        if not result_errors and reviews and not discard_reviews:
            # Checked after the file, so that a bad file gets its row report first.
            raise CaseReviewConflict(
                ngettext(
                    "%(n)d case already has a review. Uploading a new log discards the sample and "
                    "every review: confirm that you want this.",
                    "%(n)d cases already have a review. Uploading a new log discards the sample and "
                    "every review: confirm that you want this.",
                    reviews,
                )
                % {"n": reviews}
            )
        upload = ProcedureLogUpload.objects.create(
            cycle=cycle,
            uploaded_by=user,
            file_name=name,
            file_sha256=file_hash,
            period_start=period_start,
            accepted=not result_errors,
            row_count=data_rows,
            errors=[e.as_dict() for e in result_errors],
        )
        if result_errors:
            record_event(
                obj=cycle,
                action="procedure_log_refused",
                actor=user,
                data={"upload": str(upload.pk), "errors": len(result_errors), "file_sha256": file_hash},
            )
            return UploadOutcome(upload=upload, log=None, errors=result_errors)

        replaced: dict[str, Any] | None = None
        if existing is not None:
            replaced = {"sha256": existing.sha256, "rows": existing.row_count, "reviews_discarded": reviews}
            existing.delete()
        log = ProcedureLog.objects.create(
            cycle=cycle,
            period_start=period_start,
            period_end=period_end(period_start, programme.case_review_period_months),
            row_count=len(rows),
            sha256=canonical,
            file_sha256=file_hash,
            file_name=name,
            uploaded_by=user,
        )
        ProcedureCase.objects.bulk_create(
            ProcedureCase(
                log=log,
                reference=r.reference,
                procedure_date=r.procedure_date,
                category=r.category,
                row_number=row_number,
            )
            for row_number, r in enumerate(rows, start=2)
        )
        record_event(
            obj=cycle,
            action="procedure_log_uploaded",
            actor=user,
            data={
                "upload": str(upload.pk),
                "sha256": canonical,
                "rows": len(rows),
                "period_start": log.period_start.isoformat(),
                "period_end": log.period_end.isoformat(),
                "replaced": replaced,
            },
        )
        return UploadOutcome(upload=upload, log=log, errors=[])


def sample_draw(*, cycle: Cycle, user: Any) -> SampleDraw:
    """Draw the sample once per log: a fresh secure seed, the documented algorithm, stored."""
    with transaction.atomic():
        cycle = _editable_cycle(cycle, user)
        log = selectors.procedure_log(cycle)
        if log is None:
            raise CaseReviewConflict(_("Upload the procedure log before drawing the sample."))
        if selectors.log_draw(log) is not None:
            raise CaseReviewConflict(_("The sample has already been drawn from this log."))
        size = cycle.framework.settings.case_review_sample_size
        references = list(ProcedureCase.objects.filter(log=log).values_list("reference", flat=True))
        if len(references) < size:
            raise CaseReviewConflict(_("The log has fewer cases than the sample needs."))
        seed = new_seed()
        draw = SampleDraw.objects.create(
            log=log, seed=seed, algorithm=CURRENT_ALGORITHM, log_sha256=log.sha256, sample_size=size, drawn_by=user
        )
        sequence = draw_sequence(seed=seed, log_hash=log.sha256, references=references, algorithm=CURRENT_ALGORITHM)
        ids = dict(ProcedureCase.objects.filter(log=log).values_list("reference", "pk"))
        SampledCase.objects.bulk_create(
            SampledCase(draw=draw, case_id=ids[reference], position=position)
            for position, reference in enumerate(sequence[:size], start=1)
        )
        record_event(
            obj=cycle,
            action="case_sample_drawn",
            actor=user,
            data={
                "seed": seed,
                "algorithm": CURRENT_ALGORITHM,
                "log_sha256": log.sha256,
                "sample_size": size,
                "references": sequence[:size],
            },
        )
        return draw


def sampled_case_exclude(*, sampled_case: SampledCase, user: Any, reason: str) -> SampledCase:
    """Exclude a sampled case with a reason; the next case of the seeded sequence replaces it.

    Returns the replacement.
    """
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the case is excluded."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise Invalid(_("Keep the reason under %(n)d characters.") % {"n": REASON_MAX_LENGTH}, field="reason")
    with transaction.atomic():
        draw = SampleDraw.objects.select_related("log").get(pk=sampled_case.draw_id)
        cycle = _editable_cycle(Cycle(pk=draw.log.cycle_id), user)
        locked = SampledCase.objects.select_for_update().select_related("case").get(pk=sampled_case.pk)
        if locked.excluded:
            raise CaseReviewConflict(_("This case is already excluded."))
        verification = selectors.verify_draw(draw)
        if not verification.log_hash_matches:
            raise CaseReviewConflict(_("The stored log no longer matches the draw; the replacement cannot be drawn."))
        references = list(ProcedureCase.objects.filter(log=draw.log).values_list("reference", flat=True))
        sequence = draw_sequence(
            seed=draw.seed, log_hash=draw.log_sha256, references=references, algorithm=draw.algorithm
        )
        last = SampledCase.objects.filter(draw=draw).aggregate(m=Max("position"))["m"] or 0
        if last >= len(sequence):
            raise CaseReviewConflict(_("Every case of the log has been drawn: there is no case left to replace it."))
        next_reference = sequence[last]
        replacement_case = ProcedureCase.objects.get(log=draw.log, reference=next_reference)
        locked.excluded_reason = reason
        locked.excluded_at = timezone.now()
        locked.excluded_by = user
        locked.save(update_fields=["excluded_reason", "excluded_at", "excluded_by"])
        replacement = SampledCase.objects.create(draw=draw, case=replacement_case, position=last + 1, replaces=locked)
        record_event(
            obj=cycle,
            action="sampled_case_excluded",
            actor=user,
            reason=reason,
            data={
                "position": locked.position,
                "reference": locked.case.reference,
                "replacement_position": replacement.position,
                "replacement_reference": next_reference,
            },
        )
        return replacement


@dataclass(frozen=True)
class AnswerInput:
    answer: str  # "yes", "no", "na", or "" for not answered yet
    note: str = ""


def case_review_save(
    *,
    sampled_case: SampledCase,
    user: Any,
    answers: Mapping[str, AnswerInput],
    complication_grade: int | None,
) -> CaseReview:
    """Save the answers given (by checklist item code); a review is complete when every item is
    answered and, if the grade item is answered yes, the complication grade is given."""
    with transaction.atomic():
        draw = SampleDraw.objects.select_related("log").get(pk=sampled_case.draw_id)
        cycle = _editable_cycle(Cycle(pk=draw.log.cycle_id), user)
        locked = SampledCase.objects.select_for_update().select_related("case").get(pk=sampled_case.pk)
        if locked.excluded:
            raise CaseReviewConflict(_("This case is excluded from the sample: it is not reviewed."))
        items = {item.code: item for item in selectors.checklist(cycle)}
        problems: dict[str, list[str]] = {}
        valid_answers = set(ReviewAnswer.values)
        for code, given in answers.items():
            if code not in items:
                problems.setdefault(code, []).append(_("Not an item of this checklist."))
                continue
            if given.answer and given.answer not in valid_answers:
                problems.setdefault(code, []).append(_("Answer yes, no or not applicable."))
            if len(given.note) > NOTE_MAX_LENGTH:
                problems.setdefault(code, []).append(
                    _("Keep the note under %(n)d characters.") % {"n": NOTE_MAX_LENGTH}
                )
            identity = note_problem(given.note)
            if identity:
                problems.setdefault(code, []).append(
                    _("The note %(what)s: the review holds no patient identity.") % {"what": identity}
                )
        if complication_grade is not None and not 0 <= complication_grade <= 6:
            problems.setdefault("complication_grade", []).append(_("The grade is a number from 0 to 6."))
        if problems:
            raise ValidationError(problems)

        review, _created = CaseReview.objects.get_or_create(sampled_case=locked, defaults={"reviewed_by": user})
        existing = {a.item.code: a for a in review.answers.select_related("item")}
        to_create: list[CaseReviewAnswer] = []
        to_update: list[CaseReviewAnswer] = []
        to_delete: list[int] = []
        for code, given in answers.items():
            current = existing.get(code)
            note = given.note.strip()
            if not given.answer:
                if current is not None:
                    to_delete.append(current.pk)
                    del existing[code]
                continue
            if current is None:
                answer = CaseReviewAnswer(review=review, item=items[code], answer=given.answer, note=note)
                to_create.append(answer)
                existing[code] = answer
            elif (current.answer, current.note) != (given.answer, note):
                current.answer, current.note = given.answer, note
                to_update.append(current)
        CaseReviewAnswer.objects.filter(pk__in=to_delete).delete()
        CaseReviewAnswer.objects.bulk_create(to_create)
        CaseReviewAnswer.objects.bulk_update(to_update, ["answer", "note"])

        grade_items = [code for code, item in items.items() if item.records_grade]
        grade_needed = any(existing.get(code) and existing[code].answer == ReviewAnswer.YES for code in grade_items)
        complete = all(code in existing for code in items) and (not grade_needed or complication_grade is not None)
        review.complication_grade = complication_grade
        review.complete = complete
        review.reviewed_by = user
        review.save(update_fields=["complication_grade", "complete", "reviewed_by", "updated_at"])
        record_event(
            obj=cycle,
            action="case_review_saved",
            actor=user,
            data={
                "position": locked.position,
                "reference": locked.case.reference,
                "answered": len(existing),
                "items": len(items),
                "complete": complete,
            },
        )
        return review
