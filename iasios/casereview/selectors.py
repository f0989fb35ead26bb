"""Reads of the internal case review: status, sample, summary, draw verification, snapshot.

`case_review_status` and `case_review_snapshot` are what the application (submission
pre-flight, dossier) reads; both take a cycle and cost a fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from iasios.applications.models import Cycle
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
from iasios.casereview.sampling import LogRow, UnknownAlgorithm, draw_sequence, log_sha256
from iasios.standards.models import ChecklistItem


@dataclass(frozen=True)
class CaseReviewStatus:
    complete: bool
    reviewed: int
    required: int
    blockers: list[str]
    url: str


@dataclass(frozen=True)
class DrawVerification:
    matches: bool
    log_hash_matches: bool
    # References at positions 1…k recomputed from the stored rows and seed (k = last position used).
    expected: list[str]
    # References of the stored sampled cases, by position.
    stored: list[str]
    stored_log_hash: str = ""
    computed_log_hash: str = ""
    algorithm_known: bool = True


@dataclass(frozen=True)
class ItemSummary:
    item: ChecklistItem
    yes: int
    no: int
    not_applicable: int

    @property
    def applicable(self) -> int:
        """Cases the item applies to: the denominator of compliance (N/A left out)."""
        return self.yes + self.no

    @property
    def percent(self) -> float | None:
        return None if self.applicable == 0 else round(100 * self.yes / self.applicable, 1)

    @property
    def meets_target(self) -> bool | None:
        """None when no reviewed case applies: there is nothing to judge yet."""
        return None if self.applicable == 0 else self.item.meets_target(self.yes, self.applicable)

    @property
    def under_target(self) -> bool:
        return self.meets_target is False


@dataclass(frozen=True)
class CaseReviewSummary:
    reviewed: int
    required: int
    items: list[ItemSummary]
    grades: dict[int, int] = field(default_factory=dict)

    @property
    def flagged(self) -> list[ItemSummary]:
        return [s for s in self.items if s.under_target]


def cycle_url(cycle: Cycle) -> str:
    return reverse("casereview:cycle", kwargs={"cycle_id": cycle.pk})


def sample_size(cycle: Cycle) -> int:
    return cycle.framework.settings.case_review_sample_size


def procedure_log(cycle: Cycle) -> ProcedureLog | None:
    """The cycle's accepted log with its draw (if any), in one query."""
    return ProcedureLog.objects.select_related("draw", "uploaded_by").filter(cycle=cycle).first()


def log_draw(log: ProcedureLog | None) -> SampleDraw | None:
    if log is None:
        return None
    try:
        return log.draw
    except SampleDraw.DoesNotExist:
        return None


def latest_upload(cycle: Cycle) -> ProcedureLogUpload | None:
    return ProcedureLogUpload.objects.filter(cycle=cycle).order_by("-created_at").first()


def checklist(cycle: Cycle) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(framework_id=cycle.framework_id).order_by("position"))


def sampled_cases(draw: SampleDraw) -> list[SampledCase]:
    """Every sampled case of the draw by position, with its case, review and answers loaded."""
    return list(
        SampledCase.objects.filter(draw=draw)
        .select_related("case", "review", "replaces", "excluded_by", "review__reviewed_by")
        .prefetch_related(
            Prefetch(
                "review__answers", queryset=CaseReviewAnswer.objects.select_related("item").order_by("item__position")
            )
        )
        .order_by("position")
    )


def sampled_case_at(draw: SampleDraw, position: int) -> SampledCase | None:
    return (
        SampledCase.objects.select_related("case", "draw__log__cycle", "replaces")
        .filter(draw=draw, position=position)
        .first()
    )


def review_of(sampled_case: SampledCase) -> CaseReview | None:
    try:
        return sampled_case.review
    except CaseReview.DoesNotExist:
        return None


def reviewed_count(draw: SampleDraw) -> int:
    return CaseReview.objects.filter(
        sampled_case__draw=draw, sampled_case__excluded_at__isnull=True, complete=True
    ).count()


def review_summary(
    cycle: Cycle, draw: SampleDraw | None = None, *, items: list[ChecklistItem] | None = None
) -> CaseReviewSummary:
    """Per checklist item: yes / no / N/A over the complete reviews of the included cases."""
    items = checklist(cycle) if items is None else items
    required = sample_size(cycle)
    if draw is None:
        draw = log_draw(procedure_log(cycle))
    counts: dict[tuple[int, str], int] = {}
    grades: dict[int, int] = {}
    reviewed = 0
    if draw is not None:
        included = {
            "review__sampled_case__draw": draw,
            "review__sampled_case__excluded_at__isnull": True,
            "review__complete": True,
        }
        for row in CaseReviewAnswer.objects.filter(**included).values("item_id", "answer").annotate(n=Count("id")):
            counts[(row["item_id"], row["answer"])] = row["n"]
        reviews = CaseReview.objects.filter(
            sampled_case__draw=draw, sampled_case__excluded_at__isnull=True, complete=True
        )
        for grade, n in reviews.values_list("complication_grade").annotate(n=Count("id")):
            reviewed += n
            if grade is not None:
                grades[grade] = n
    summaries = [
        ItemSummary(
            item=item,
            yes=counts.get((item.pk, ReviewAnswer.YES), 0),
            no=counts.get((item.pk, ReviewAnswer.NO), 0),
            not_applicable=counts.get((item.pk, ReviewAnswer.NOT_APPLICABLE), 0),
        )
        for item in items
    ]
    return CaseReviewSummary(reviewed=reviewed, required=required, items=summaries, grades=dict(sorted(grades.items())))


def _stored_rows(log: ProcedureLog) -> list[LogRow]:
    return [
        LogRow(reference=r, procedure_date=d, category=c)
        for r, d, c in ProcedureCase.objects.filter(log=log).values_list("reference", "procedure_date", "category")
    ]


def verify_draw(draw: SampleDraw) -> DrawVerification:
    """Recompute the draw from the stored rows and seed, and compare it with what is stored."""
    rows = _stored_rows(draw.log)
    computed = log_sha256(rows)
    stored = list(SampledCase.objects.filter(draw=draw).order_by("position").values_list("case__reference", "position"))
    stored_refs = [ref for ref, _position in stored]
    positions = [position for _ref, position in stored]
    last = max(positions, default=0)
    try:
        # Bound to the log hash stored at the draw: a changed log then shows in the hash check,
        # while the expected list still says what that draw must have produced.
        sequence = draw_sequence(
            seed=draw.seed, log_hash=draw.log_sha256, references=[r.reference for r in rows], algorithm=draw.algorithm
        )
        known = True
    except UnknownAlgorithm:
        sequence, known = [], False
    expected = sequence[:last]
    hash_ok = computed == draw.log_sha256
    return DrawVerification(
        matches=known and hash_ok and positions == list(range(1, last + 1)) and expected == stored_refs,
        log_hash_matches=hash_ok,
        expected=expected,
        stored=stored_refs,
        stored_log_hash=draw.log_sha256,
        computed_log_hash=computed,
        algorithm_known=known,
    )


def case_review_status(cycle: Cycle) -> CaseReviewStatus:
    """Whether the case review is complete enough to submit, and what is missing if not."""
    required = sample_size(cycle)
    log = procedure_log(cycle)
    draw = log_draw(log)
    blockers: list[str] = []
    reviewed = 0
    if log is None:
        blockers.append(_("Upload the procedure log of the review period."))
    elif draw is None:
        blockers.append(_("Draw the sample of %(n)d cases from the procedure log.") % {"n": required})
    else:
        included = SampledCase.objects.filter(draw=draw, excluded_at__isnull=True).count()
        reviewed = reviewed_count(draw)
        if draw.log_sha256 != log.sha256:
            blockers.append(_("The procedure log changed after the sample was drawn: draw the sample again."))
        if included < required:
            blockers.append(
                ngettext(
                    "%(n)d sampled case is excluded without a replacement.",
                    "%(n)d sampled cases are excluded without a replacement.",
                    required - included,
                )
                % {"n": required - included}
            )
        missing = included - reviewed
        if missing > 0:
            blockers.append(
                ngettext(
                    "%(n)d sampled case still needs its review.",
                    "%(n)d sampled cases still need their review.",
                    missing,
                )
                % {"n": missing}
            )
    return CaseReviewStatus(
        complete=not blockers, reviewed=reviewed, required=required, blockers=blockers, url=cycle_url(cycle)
    )


def case_review_snapshot(cycle: Cycle) -> dict[str, Any]:
    """Everything the dossier freezes about the case review, as plain JSON values.

    Stable: the same stored data gives an equal dict (no times of reading, lists in a fixed
    order), so the dossier's hash does not change when nothing changed.
    """
    log = procedure_log(cycle)
    draw = log_draw(log)
    items = checklist(cycle)
    summary = review_summary(cycle, draw, items=items)
    status = case_review_status(cycle)
    cases: list[dict[str, Any]] = []
    if draw is not None:
        for sc in sampled_cases(draw):
            review = review_of(sc)
            cases.append(
                {
                    "position": sc.position,
                    "reference": sc.case.reference,
                    "procedure_date": sc.case.procedure_date.isoformat(),
                    "category": sc.case.category,
                    "excluded": sc.excluded,
                    "exclusion_reason": sc.excluded_reason,
                    "replaces_position": sc.replaces.position if sc.replaces else None,
                    "review": None
                    if review is None
                    else {
                        "complete": review.complete,
                        "complication_grade": review.complication_grade,
                        "answers": [
                            {"item": a.item.code, "answer": a.answer, "note": a.note} for a in review.answers.all()
                        ],
                    },
                }
            )
    return {
        "complete": status.complete,
        "blockers": list(status.blockers),
        "sample_size": status.required,
        "reviewed": summary.reviewed,
        "log": None
        if log is None
        else {
            "sha256": log.sha256,
            "file_sha256": log.file_sha256,
            "period_start": log.period_start.isoformat(),
            "period_end": log.period_end.isoformat(),
            "row_count": log.row_count,
        },
        "draw": None
        if draw is None
        else {
            "seed": draw.seed,
            "algorithm": draw.algorithm,
            "log_sha256": draw.log_sha256,
            "sample_size": draw.sample_size,
            "drawn_at": draw.created_at.isoformat(),
        },
        "sampled_cases": cases,
        "summary": [
            {
                "item": s.item.code,
                "text": s.item.text,
                "target_percent": s.item.target_percent,
                "yes": s.yes,
                "no": s.no,
                "not_applicable": s.not_applicable,
                "compliance_percent": None if s.percent is None else f"{s.percent:.1f}",
                "meets_target": s.meets_target,
            }
            for s in summary.items
        ],
        "complication_grades": {str(k): v for k, v in summary.grades.items()},
    }
