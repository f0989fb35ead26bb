"""Pages of the internal case review. Thin: access checks, forms, then services and selectors.

A cycle the user may not see answers 404; a change the user may not make answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iasios.applications.access import CycleResolver, can_edit_case_review
from iasios.applications.models import Cycle
from iasios.casereview import selectors, services
from iasios.casereview.forms import ExcludeForm, LogUploadForm
from iasios.casereview.models import CIRSEGrade, ReviewAnswer, SampledCase, SampleDraw
from iasios.casereview.validation import COLUMNS, template_rows
from iasios.core.events import timeline
from iasios.core.exports import csv_response
from iasios.core.refusals import refusal_as_message, refusal_on

CASE_REVIEW_ACTIONS = (
    "procedure_log_uploaded",
    "procedure_log_refused",
    "case_sample_drawn",
    "sampled_case_excluded",
    "case_review_saved",
)


def _editable(user: Any, cycle: Cycle) -> Cycle:
    if not can_edit_case_review(user, cycle):
        raise PermissionDenied
    return cycle


class _ReviewErrors:
    """A refusal of a case review, per checklist item: the page draws its own fields, not a Django
    form, so `refusal_on` puts the messages here (on an item's code, else above the form)."""

    def __init__(self, names: list[str]) -> None:
        self.fields = set(names)
        self.errors: dict[str, list[str]] = {}

    def add_error(self, name: str | None, message: str) -> None:
        self.errors.setdefault(name or "__all__", []).append(str(message))


def _draw(cycle: Cycle) -> SampleDraw:
    draw = selectors.log_draw(selectors.procedure_log(cycle))
    if draw is None:
        raise Http404
    return draw


def _sampled(draw: SampleDraw, position: int) -> SampledCase:
    sampled = selectors.sampled_case_at(draw, position)
    if sampled is None:
        raise Http404
    return sampled


@dataclass(frozen=True)
class CaseRow:
    sampled: SampledCase
    state: str  # excluded / reviewed / in_progress / to_review
    answered: int
    category_label: str


def _category_labels(cycle: Cycle) -> dict[str, str]:
    """Procedure categories by code → their labels in the reader's language (English where not
    translated), from the cycle's framework."""
    return dict(cycle.framework.procedure_categories_in())


def _case_rows(draw: SampleDraw, categories: dict[str, str]) -> list[CaseRow]:
    rows = []
    for sc in selectors.sampled_cases(draw):
        review = selectors.review_of(sc)
        answered = len(review.answers.all()) if review else 0
        if sc.excluded:
            state = "excluded"
        elif review and review.complete:
            state = "reviewed"
        elif answered:
            state = "in_progress"
        else:
            state = "to_review"
        category = categories.get(sc.case.category, sc.case.category)
        rows.append(CaseRow(sampled=sc, state=state, answered=answered, category_label=category))
    return rows


@login_required
@require_GET
def cycle_page(request: HttpRequest, cycle_id: UUID, *, visible_cycle: CycleResolver) -> HttpResponse:
    cycle = visible_cycle(request.user, cycle_id)
    log = selectors.procedure_log(cycle)
    draw = selectors.log_draw(log)
    items = selectors.checklist(cycle)
    events = timeline(cycle).filter(action__in=CASE_REVIEW_ACTIONS)
    return render(
        request,
        "casereview/cycle.html",
        {
            "cycle": cycle,
            "status": selectors.case_review_status(cycle),
            "can_edit": can_edit_case_review(request.user, cycle),
            "log": log,
            "draw": draw,
            "rows": _case_rows(draw, _category_labels(cycle)) if draw else [],
            "items": items,
            "events": events,
            "programme": cycle.framework.settings,
        },
    )


@login_required
@require_GET
def log_template(request: HttpRequest, cycle_id: UUID, *, visible_cycle: CycleResolver) -> HttpResponse:
    cycle = visible_cycle(request.user, cycle_id)
    categories = [code for code, _label in cycle.framework.settings.procedure_categories]
    return csv_response("procedure-log-template.csv", COLUMNS, template_rows(categories, timezone.localdate()))


@login_required
@require_http_methods(["GET", "POST"])
def log_upload(request: HttpRequest, cycle_id: UUID, *, visible_cycle: CycleResolver) -> HttpResponse:
    cycle = _editable(request.user, visible_cycle(request.user, cycle_id))
    errors = None
    if request.method == "POST":
        form = LogUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            # Reading one byte past the limit is enough for the service to refuse an oversize file.
            data = upload.read(services.log_max_bytes() + 1)
            with refusal_on(form):
                outcome = services.procedure_log_upload(
                    cycle=cycle,
                    user=request.user,
                    data=data,
                    file_name=upload.name,
                    period_start=form.cleaned_data["period_start"],
                    discard_reviews=form.cleaned_data["discard_reviews"],
                )
                if outcome.log is not None:
                    messages.success(
                        request,
                        _("The log of %(n)d procedures is stored. Now draw the sample.") % {"n": outcome.log.row_count},
                    )
                    return redirect("casereview:cycle", cycle_id=cycle.pk)
                errors = outcome.errors
    else:
        form = LogUploadForm()
    return render(
        request,
        "casereview/log_upload.html",
        {
            "cycle": cycle,
            "form": form,
            "errors": errors,
            "log": selectors.procedure_log(cycle),
            "programme": cycle.framework.settings,
            "max_mb": round(services.log_max_bytes() / 1024 / 1024, 1),
        },
        status=422 if errors or form.errors else 200,
    )


@login_required
@require_POST
def draw(request: HttpRequest, cycle_id: UUID, *, visible_cycle: CycleResolver) -> HttpResponse:
    cycle = _editable(request.user, visible_cycle(request.user, cycle_id))
    with refusal_as_message(request):
        services.sample_draw(cycle=cycle, user=request.user)
        messages.success(request, _("The sample is drawn. Review each case below."))
    return redirect("casereview:cycle", cycle_id=cycle.pk)


@login_required
@require_GET
def verify(request: HttpRequest, cycle_id: UUID, *, visible_cycle: CycleResolver) -> HttpResponse:
    cycle = visible_cycle(request.user, cycle_id)
    draw = _draw(cycle)
    result = selectors.verify_draw(draw)
    pairs = []
    for i in range(max(len(result.expected), len(result.stored))):
        expected = result.expected[i] if i < len(result.expected) else ""
        stored = result.stored[i] if i < len(result.stored) else ""
        pairs.append((i + 1, expected, stored, expected == stored))
    return render(
        request,
        "casereview/verify.html",
        {"cycle": cycle, "draw": draw, "log": draw.log, "result": result, "pairs": pairs},
    )


def _parse_review_post(request: HttpRequest, items: list[Any]) -> tuple[dict[str, services.AnswerInput], Any]:
    answers = {
        item.code: services.AnswerInput(
            answer=request.POST.get(f"answer-{item.code}", ""), note=request.POST.get(f"note-{item.code}", "")
        )
        for item in items
    }
    raw_grade = request.POST.get("complication_grade", "").strip()
    return answers, raw_grade


@login_required
@require_http_methods(["GET", "POST"])
def case_review(request: HttpRequest, cycle_id: UUID, position: int, *, visible_cycle: CycleResolver) -> HttpResponse:
    cycle = visible_cycle(request.user, cycle_id)
    draw = _draw(cycle)
    sampled = _sampled(draw, position)
    items = selectors.checklist(cycle)
    can_edit = can_edit_case_review(request.user, cycle) and not sampled.excluded
    review = selectors.review_of(sampled)
    current = {a.item_id: a for a in review.answers.all()} if review else {}
    values: dict[str, tuple[str, str]] = {
        item.code: (current[item.pk].answer, current[item.pk].note) if item.pk in current else ("", "")
        for item in items
    }
    grade_value = "" if review is None or review.complication_grade is None else str(review.complication_grade)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not can_edit_case_review(request.user, cycle):
            raise PermissionDenied
        answers, raw_grade = _parse_review_post(request, items)
        values = {code: (a.answer, a.note) for code, a in answers.items()}
        grade_value = raw_grade
        grade: int | None = None
        try:
            grade = int(raw_grade) if raw_grade else None
        except ValueError:
            errors["complication_grade"] = [_("The grade is a number from 0 to 6.")]
        if not errors:
            collected = _ReviewErrors([*answers, "complication_grade"])
            with refusal_on(collected):
                saved = services.case_review_save(
                    sampled_case=sampled, user=request.user, answers=answers, complication_grade=grade
                )
                if saved.complete:
                    messages.success(request, _("Case %(n)d is reviewed.") % {"n": sampled.position})
                else:
                    messages.info(request, _("Saved. Some items of case %(n)d are still open.") % {"n": position})
                if "next" in request.POST:
                    following = (
                        SampledCase.objects.filter(draw=draw, excluded_at__isnull=True, position__gt=position)
                        .exclude(review__complete=True)
                        .order_by("position")
                        .values_list("position", flat=True)
                        .first()
                    )
                    if following:
                        return redirect("casereview:case", cycle_id=cycle.pk, position=following)
                    return redirect("casereview:cycle", cycle_id=cycle.pk)
                return redirect("casereview:case", cycle_id=cycle.pk, position=position)
            errors = collected.errors
        status = 422
    fields = [
        {
            "item": item,
            "answer": values[item.code][0],
            "note": values[item.code][1],
            "errors": errors.get(item.code, []),
        }
        for item in items
    ]
    return render(
        request,
        "casereview/case_review.html",
        {
            "cycle": cycle,
            "draw": draw,
            "sampled": sampled,
            "category_label": _category_labels(cycle).get(sampled.case.category, sampled.case.category),
            "review": review,
            "fields": fields,
            "choices": ReviewAnswer.choices,
            "grades": CIRSEGrade.choices,
            "grade_value": grade_value,
            "grade_errors": errors.get("complication_grade", []),
            "form_errors": errors.get("__all__", []),
            "has_errors": bool(errors),
            "can_edit": can_edit,
            "can_exclude": can_edit_case_review(request.user, cycle) and not sampled.excluded,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_exclude(request: HttpRequest, cycle_id: UUID, position: int, *, visible_cycle: CycleResolver) -> HttpResponse:
    cycle = _editable(request.user, visible_cycle(request.user, cycle_id))
    draw = _draw(cycle)
    sampled = _sampled(draw, position)
    form = ExcludeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusal_on(form):
                replacement = services.sampled_case_exclude(
                    sampled_case=sampled, user=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(
                    request,
                    _("Case %(old)d is excluded; case %(new)d (%(ref)s) replaces it.")
                    % {"old": sampled.position, "new": replacement.position, "ref": replacement.case.reference},
                )
                return redirect("casereview:cycle", cycle_id=cycle.pk)
        status = 422
    return render(request, "casereview/exclude.html", {"cycle": cycle, "sampled": sampled, "form": form}, status=status)


@login_required
@require_GET
def summary(request: HttpRequest, cycle_id: UUID, *, visible_cycle: CycleResolver) -> HttpResponse:
    cycle = visible_cycle(request.user, cycle_id)
    result = selectors.review_summary(cycle)
    grade_rows = [(value, label, result.grades.get(value, 0)) for value, label in CIRSEGrade.choices]
    return render(
        request,
        "casereview/summary.html",
        {"cycle": cycle, "summary": result, "status": selectors.case_review_status(cycle), "grade_rows": grade_rows},
    )


@login_required
@require_GET
def summary_csv(request: HttpRequest, cycle_id: UUID, *, visible_cycle: CycleResolver) -> HttpResponse:
    """The per-item summary, then one line per reviewed answer with its note."""
    cycle = visible_cycle(request.user, cycle_id)
    result = selectors.review_summary(cycle)
    header = [
        "section",
        "position",
        "case_reference",
        "item",
        "question",
        "target_percent",
        "yes",
        "no",
        "not_applicable",
        "compliance_percent",
        "under_target",
        "answer",
        "note",
        "complication_grade",
    ]
    rows: list[list[Any]] = []
    for s in result.items:
        rows.append(
            [
                "summary",
                "",
                "",
                s.item.code,
                s.item.text,
                s.item.target_percent,
                s.yes,
                s.no,
                s.not_applicable,
                "" if s.percent is None else f"{s.percent:.1f}",
                "yes" if s.under_target else "no",
                "",
                "",
                "",
            ]
        )
    draw = selectors.log_draw(selectors.procedure_log(cycle))
    if draw is not None:
        for sc in selectors.sampled_cases(draw):
            review = selectors.review_of(sc)
            if sc.excluded or review is None:
                continue
            for a in review.answers.all():
                rows.append(
                    [
                        "case",
                        sc.position,
                        sc.case.reference,
                        a.item.code,
                        a.item.text,
                        "",
                        "",
                        "",
                        "",
                        "",
                        "",
                        a.answer,
                        a.note,
                        "" if review.complication_grade is None else review.complication_grade,
                    ]
                )
    stamp = timezone.localdate().isoformat()
    return csv_response(f"case-review-summary-{stamp}.csv", header, rows)
