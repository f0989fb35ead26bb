"""Assessor and facility pages of the assessment, mounted under /assessment/.

Assessors: their assignment (accept with a conflict-of-interest declaration, or decline), the
review side by side, the case review draw re-run, evidence requests, the visit. Facilities:
the evidence requests of their cycle and the answer form. Evidence previews go through
`evidence_inline`, the one view that may be framed (same origin only).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from iasios.applications.access import get_visible_revision_or_404
from iasios.applications.models import Cycle, EvidenceDocument, EvidenceRevision
from iasios.applications.uploads import evidence_upload_handlers, too_large_message
from iasios.assessment import access, reviews, selectors, services
from iasios.assessment.forms import AcceptForm, AnswerForm, EvidenceRequestForm, FindingForm, RatingForm, ReasonForm
from iasios.assessment.lifecycle import ASSIGNMENT_LIFECYCLE, EVIDENCE_REQUEST_LIFECYCLE
from iasios.assessment.models import Assignment, AssignmentStatus, Rating
from iasios.core.refusals import refusal_as_message, refusal_on
from iasios.facilities.access import facility_role, is_office
from iasios.standards.models import Requirement


def _available(lifecycle: Any, obj: Any, user: Any) -> set[str]:
    """The names of the transitions `user` may take on `obj` now: the page's buttons."""
    return {t.name for t in lifecycle.available(obj, user)}


def _assignment(request: HttpRequest, pk: Any, *, own: bool = True) -> Assignment:
    assignment = access.get_own_assignment_or_404(request.user, pk)
    if own and assignment.assessor_id != request.user.pk:
        raise Http404
    return assignment


# ----------------------------------------------------------------------------- assignment


@login_required
def assignment_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    assignment = _assignment(request, pk, own=False)
    accept_form, decline_form = AcceptForm(), ReasonForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "accept":
            accept_form = AcceptForm(request.POST)
            accept_form.is_valid()
            with refusal_on(accept_form):
                services.assignment_accept(
                    assignment=assignment,
                    user=request.user,
                    no_conflict=bool(accept_form.cleaned_data.get("no_conflict")),
                    interests=accept_form.cleaned_data.get("interests", ""),
                )
                messages.success(request, _("Assignment accepted. The dossier is open to you."))
                return redirect("assessment:review", assignment.pk)
        else:
            decline_form = ReasonForm(request.POST)
            with refusal_on(decline_form):
                services.assignment_decline(
                    assignment=assignment, user=request.user, reason=decline_form.data.get("reason", "")
                )
                messages.success(request, _("Assignment declined. The office has been told why."))
                return redirect("assessor_home")
        status = 400
    actions = _available(ASSIGNMENT_LIFECYCLE, assignment, request.user)
    return render(
        request,
        "assessment/assignment.html",
        {
            "assignment": assignment,
            "cycle": assignment.cycle,
            "facility": assignment.cycle.facility,
            "may_accept": "accept" in actions,
            "may_decline": "decline" in actions,
            "accept_form": accept_form,
            "decline_form": decline_form,
        },
        status=status,
    )


# ----------------------------------------------------------------------------- review


def _reviewable(request: HttpRequest, pk: Any) -> Assignment:
    assignment = _assignment(request, pk)
    if not access.can_review(request.user, assignment):
        raise Http404
    return assignment


def _review_filters(data: Any) -> tuple[int | None, str]:
    """The standard (a number) and the filter (`reviews.FILTERS`) asked for, or none."""
    standard = data.get("standard", "")
    show = data.get("show", "")
    return (int(standard) if standard.isdigit() else None), (show if show in reviews.FILTERS else "")


def _review_context(request: HttpRequest, assignment: Assignment, data: reviews.Review) -> dict[str, Any]:
    return {
        "assignment": assignment,
        "cycle": assignment.cycle,
        "facility": assignment.cycle.facility,
        "review": data,
        "can_rate": access.can_rate(request.user, assignment),
        "may_submit": "submit_review" in _available(ASSIGNMENT_LIFECYCLE, assignment, request.user),
        "ratings": Rating.choices,
    }


@login_required
def review(request: HttpRequest, pk: Any) -> HttpResponse:
    """The review, card by card; filtered by standard and by unrated / core / disagreements."""
    assignment = _reviewable(request, pk)
    standard, show = _review_filters(request.GET)
    others = access.can_see_other_ratings(request.user, assignment)
    if show == "disagreements" and not others:
        show = ""  # independence: no disagreements before one's own review is submitted
    keep = request.GET.get("keep", "")
    data = reviews.review_for(assignment, others_visible=others)
    rows = data.shown(standard=standard, show=show, keep=int(keep) if keep.isdigit() else None)
    return render(
        request,
        "assessment/review.html",
        {
            **_review_context(request, assignment, data),
            "rows": rows,
            "standards": data.standards,
            "standard": standard,
            "show": show,
        },
    )


def _after_rating(assignment: Assignment, requirement: Requirement, data: Any) -> str:
    """Back to the rated card on the page it was rated from (without JavaScript)."""
    standard, show = _review_filters(data)
    query = {k: v for k, v in (("standard", standard), ("show", show)) if v}
    if show:
        query["keep"] = requirement.pk  # the card stays shown even if it no longer passes the filter
    target = reverse("assessment:review", args=[assignment.pk])
    return f"{target}{'?' + urlencode(query) if query else ''}#req-{requirement.reference}"


@require_POST
@login_required
def rate(request: HttpRequest, pk: Any, requirement_id: int) -> HttpResponse:
    """Save one rating. With htmx the answer is the card alone (and the progress, out of band);
    without JavaScript a redirect back to the card."""
    assignment = _reviewable(request, pk)
    requirement = get_object_or_404(
        Requirement.objects.select_related("standard"), pk=requirement_id, framework_id=assignment.cycle.framework_id
    )
    form = RatingForm(request.POST)
    saved = False
    if form.is_valid():
        with refusal_on(form):
            services.rating_save(
                assignment=assignment,
                user=request.user,
                requirement=requirement,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
            saved = True
    errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    if request.htmx:  # type: ignore[attr-defined]
        return _rating_card(request, assignment, requirement, saved=saved, errors=errors)
    if saved:
        messages.success(request, _("%(ref)s rated.") % {"ref": requirement.reference})
    for error in errors:
        messages.error(request, f"{requirement.reference}: {error}")
    return redirect(_after_rating(assignment, requirement, request.POST))


def _rating_card(
    request: HttpRequest, assignment: Assignment, requirement: Requirement, *, saved: bool, errors: list[str]
) -> HttpResponse:
    """One card after a rating (htmx swaps only 2xx answers: a refusal comes back on the card)."""
    data = reviews.review_for(
        assignment, others_visible=access.can_see_other_ratings(request.user, assignment), only=requirement.pk
    )
    standard, show = _review_filters(request.POST)
    posted = None if saved else {"rating": request.POST.get("rating", ""), "comment": request.POST.get("comment", "")}
    progress = reviews.review_progress(assignment)
    return render(
        request,
        "assessment/_review_card_swap.html",
        {
            **_review_context(request, assignment, data),
            "row": data.rows[0],
            "standard": standard,
            "show": show,
            "saved": saved,
            "errors": errors,
            "posted": posted,
            "progress": progress,
        },
    )


@require_POST
@login_required
def review_submit(request: HttpRequest, pk: Any) -> HttpResponse:
    assignment = _reviewable(request, pk)
    with refusal_as_message(request):
        services.review_submit(assignment=assignment, user=request.user)
        messages.success(request, _("Review submitted. You can now see the other assessor's ratings."))
    return redirect("assessment:review", assignment.pk)


@login_required
def draw(request: HttpRequest, pk: Any) -> HttpResponse:
    """Re-run the case review draw from the stored log and seed, and compare with the stored sample."""
    assignment = _assignment(request, pk)
    if not access.can_review(request.user, assignment):
        raise Http404
    from iasios.casereview.selectors import log_draw, procedure_log, verify_draw

    sample = log_draw(procedure_log(assignment.cycle))
    verification = verify_draw(sample) if sample is not None else None
    rows = []
    if verification is not None:
        length = max(len(verification.expected), len(verification.stored))
        for i in range(length):
            expected = verification.expected[i] if i < len(verification.expected) else ""
            stored = verification.stored[i] if i < len(verification.stored) else ""
            rows.append({"position": i + 1, "expected": expected, "stored": stored, "same": expected == stored})
    return render(
        request,
        "assessment/draw.html",
        {
            "assignment": assignment,
            "cycle": assignment.cycle,
            "draw": sample,
            "verification": verification,
            "rows": rows,
        },
    )


# ----------------------------------------------------------------------------- evidence requests


@login_required
def request_new(request: HttpRequest, pk: Any, requirement_id: int) -> HttpResponse:
    assignment = _assignment(request, pk)
    if not access.can_review(request.user, assignment):
        raise Http404
    requirement = get_object_or_404(
        Requirement.objects.select_related("standard"), pk=requirement_id, framework_id=assignment.cycle.framework_id
    )
    form = EvidenceRequestForm(initial={"due_on": services.default_due_date(assignment.cycle)})
    status = 200
    if request.method == "POST":
        form = EvidenceRequestForm(request.POST)
        if form.is_valid():
            with refusal_on(form):
                created = services.evidence_request_create(
                    assignment=assignment,
                    user=request.user,
                    requirement=requirement,
                    question=form.cleaned_data["question"],
                    due_on=form.cleaned_data["due_on"],
                )
                messages.success(request, _("Request sent to the facility. The decision clock is paused."))
                return redirect("assessment:request", created.pk)
        status = 400
    return render(
        request,
        "assessment/request_new.html",
        {"assignment": assignment, "cycle": assignment.cycle, "requirement": requirement, "form": form},
        status=status,
    )


def _answer_documents(cycle: Cycle) -> list[tuple[str, str]]:
    return [(str(d.pk), d.title) for d in EvidenceDocument.objects.filter(facility=cycle.facility).order_by("title")]


@csrf_exempt
def request_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    limiter = evidence_upload_handlers(request) if request.method == "POST" else None
    return _request_detail(request, pk, limiter)


@csrf_protect
@login_required
def _request_detail(request: HttpRequest, pk: Any, limiter: Any) -> HttpResponse:
    evidence_request = access.get_visible_request_or_404(request.user, pk)
    cycle = evidence_request.cycle
    actions = _available(EVIDENCE_REQUEST_LIFECYCLE, evidence_request, request.user)
    answer_form = AnswerForm(documents=_answer_documents(cycle)) if "answer" in actions else None
    reask_form = (
        EvidenceRequestForm(initial={"due_on": services.default_due_date(cycle)}) if "reask" in actions else None
    )
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "answer":
            answer_form = AnswerForm(request.POST, request.FILES, documents=_answer_documents(cycle))
            if limiter and limiter.refused:
                answer_form.add_error("new_file", too_large_message(limiter.refused[0]))
            elif answer_form.is_valid():
                with refusal_on(answer_form):
                    _answer(request, evidence_request, answer_form)
                    messages.success(request, _("Answer sent to the assessor."))
                    return redirect("assessment:request", evidence_request.pk)
        elif action == "accept":
            with refusal_as_message(request):
                services.evidence_request_accept(request=evidence_request, user=request.user)
                messages.success(request, _("Answer accepted."))
            return redirect("assessment:request", evidence_request.pk)
        elif action == "reask":
            reask_form = EvidenceRequestForm(request.POST)
            if reask_form.is_valid():
                with refusal_on(reask_form):
                    services.evidence_request_reask(
                        request=evidence_request,
                        user=request.user,
                        question=reask_form.cleaned_data["question"],
                        due_on=reask_form.cleaned_data["due_on"],
                    )
                    messages.success(request, _("Follow-up question sent."))
                    return redirect("assessment:request", evidence_request.pk)
        else:
            raise PermissionDenied
        status = 400
    return render(
        request,
        "assessment/request.html",
        {
            "request_obj": evidence_request,
            "cycle": cycle,
            "thread": selectors.request_thread(evidence_request),
            "answer_form": answer_form if "answer" in actions else None,
            "reask_form": reask_form if "reask" in actions else None,
            "can_decide": "accept" in actions,
            "is_assessor": selectors.is_assigned_assessor(request.user, cycle),
        },
        status=status,
    )


def _answer(request: HttpRequest, evidence_request: Any, form: AnswerForm) -> None:
    """The latest revision of each chosen document of the library, and the new file if any."""
    data = form.cleaned_data
    cycle = evidence_request.cycle
    revisions: list[EvidenceRevision] = []
    chosen = list(data["documents"])
    if chosen:
        for document in EvidenceDocument.objects.filter(facility=cycle.facility, pk__in=chosen).prefetch_related(
            "revisions"
        ):
            latest = (
                EvidenceRevision.objects.filter(document=document)
                .select_related("document")
                .order_by("-number")
                .first()
            )
            if latest is not None:
                revisions.append(latest)
    upload = data.get("new_file")
    services.evidence_request_answer(
        request=evidence_request,
        user=request.user,
        text=data["text"],
        revisions=revisions,
        upload=upload,
        upload_title=data.get("new_title") or (upload.name if upload is not None else ""),
    )


@login_required
def cycle_requests(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    """The evidence requests of a cycle, for the facility (and the office and assigned assessors)."""
    cycle = Cycle.objects.select_related("facility", "framework").filter(pk=cycle_id).first()
    if cycle is None or not access.can_view_facility_requests(request.user, cycle):
        raise Http404
    requests = selectors.requests_of_cycle(cycle)
    visit = selectors.visit_of(cycle)
    return render(
        request,
        "assessment/cycle_requests.html",
        {
            "cycle": cycle,
            "facility": cycle.facility,
            "requests": requests,
            "visit": visit,
            "is_member": facility_role(request.user, cycle.facility) is not None,
        },
    )


# ----------------------------------------------------------------------------- evidence preview


INLINE_TYPES = reviews.PREVIEWABLE_TYPES


@login_required
@xframe_options_sameorigin
def evidence_inline(request: HttpRequest, revision_id: Any) -> FileResponse:
    """A stored file for the review's preview: inline for PDFs and images, an attachment otherwise."""
    revision: EvidenceRevision = get_visible_revision_or_404(
        request.user, revision_id, assessor_of_facility=selectors.is_assessor_of_facility
    )
    from django.core.files.storage import default_storage

    inline = revision.content_type in INLINE_TYPES
    response = FileResponse(
        default_storage.open(revision.storage_key, "rb"),
        as_attachment=not inline,
        filename=revision.download_name,
        content_type=revision.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    if inline and revision.content_type.startswith("image/"):
        response["Content-Security-Policy"] = (
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'self'"
        )
    elif inline:
        # The browser's PDF viewer does not run inside a sandboxed document.
        response["Content-Security-Policy"] = "default-src 'none'; object-src 'self'; frame-ancestors 'self'"
    else:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# ----------------------------------------------------------------------------- visit


@login_required
def visit(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = Cycle.objects.select_related("facility", "framework").filter(pk=cycle_id).first()
    if cycle is None or not access.can_view_assessment(request.user, cycle):
        raise Http404
    the_visit = selectors.visit_of(cycle)
    requirements = selectors.requirements_of(cycle)
    choices = [(str(r.pk), f"{r.reference} · {r.text[:80]}") for r in requirements]
    form = FindingForm(requirements=choices)
    status = 200
    if request.method == "POST":
        if the_visit is None:
            raise Http404
        form = FindingForm(request.POST, requirements=choices)
        if form.is_valid():
            requirement = next(r for r in requirements if str(r.pk) == form.cleaned_data["requirement"])
            with refusal_on(form):
                services.visit_finding_add(
                    visit=the_visit, user=request.user, requirement=requirement, text=form.cleaned_data["text"]
                )
                messages.success(request, _("Finding added."))
                return redirect("assessment:visit", cycle.pk)
        status = 400
    own = Assignment.objects.filter(
        cycle=cycle, assessor_id=request.user.pk, status__in=[AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED]
    ).first()
    return render(
        request,
        "assessment/visit.html",
        {
            "cycle": cycle,
            "facility": cycle.facility,
            "visit": the_visit,
            "findings": selectors.visit_findings(the_visit) if the_visit else [],
            "form": form,
            "is_office": is_office(request.user),
            "own_assignment": own,
        },
        status=status,
    )
