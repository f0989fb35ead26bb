"""Pages of the application: start, workspace, standard pages, answers, submission, dossier.

Thin: each view checks access (access.py), calls a selector or a service, renders. A page the
user may not see is 404; an action they may not take is 403; a write to a submitted cycle
goes back to the workspace with a message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from iasios.applications import selectors, services
from iasios.applications.access import (
    can_edit_answer,
    can_edit_cycle,
    can_manage_cycle,
    can_start_cycle,
    can_submit_cycle,
    cycles_visible_to,
    get_visible_cycle_or_404,
)
from iasios.applications.dossier import DECLARATION, dossier_pdf, dossier_verify, dossier_zip
from iasios.applications.forms import AnswerForm, CommentForm, LinkForm, ReasonForm, SubmitForm
from iasios.applications.models import (
    EDITABLE_CYCLE_STATES,
    Answer,
    Claim,
    Cycle,
    CycleStatus,
    Dossier,
    EvidenceDocument,
)
from iasios.applications.selectors import Blocker
from iasios.core.events import timeline
from iasios.core.statemachine import TransitionNotAllowed
from iasios.cycles import selectors as cycle_selectors
from iasios.cycles import services as cycle_services
from iasios.cycles.lifecycle import CYCLE_LIFECYCLE, OFFICE_ACTION_NAMES
from iasios.facilities.access import get_visible_facility_or_404
from iasios.facilities.models import Facility
from iasios.standards.models import Standard


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _locked_response(request: HttpRequest, cycle: Cycle, message: str = "") -> HttpResponse:
    messages.error(request, message or _("This application has been submitted; it can no longer be changed."))
    url = reverse("applications:workspace", args=[cycle.pk])
    return HttpResponseClientRedirect(url) if _is_htmx(request) else redirect(url)


def _check_edit(request: HttpRequest, cycle: Cycle, answer: Answer | None = None) -> HttpResponse | None:
    """None when the user may write to the cycle (and this answer); else the response to give (or 403 raised)."""
    if cycle.status not in EDITABLE_CYCLE_STATES:
        return _locked_response(request, cycle)
    if not can_edit_cycle(request.user, cycle):
        raise PermissionDenied
    if answer is not None and not can_edit_answer(request.user, answer, cycle):
        message = _(
            "Requirement %(ref)s is carried over from the decided application. In this amendment round only "
            "the requirements the decision reopened can change."
        ) % {"ref": answer.requirement.reference}
        return _locked_response(request, cycle, message)
    return None


def _answer_or_404(cycle: Cycle, answer_id: Any) -> Answer:
    return get_object_or_404(
        Answer.objects.select_related("requirement__standard", "cycle__facility"), pk=answer_id, cycle=cycle
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The user's applications, and the facilities where they can start one."""
    cycles = cycles_visible_to(request.user).select_related("facility", "framework").order_by("-created_at")[:200]
    facilities = []
    for membership in request.user.memberships.select_related("facility"):  # type: ignore[union-attr]
        facility = membership.facility
        facilities.append(
            {
                "facility": facility,
                "can_start": can_start_cycle(request.user, facility),
                "open_cycle": selectors.open_cycle(facility),
                "recertification": cycle_selectors.recertification_window(facility, request.user),
                "has_award": cycle_selectors.has_current_award(facility),
            }
        )
    return render(request, "applications/index.html", {"cycles": cycles, "facilities": facilities})


@login_required
@require_POST
def cycle_start(request: HttpRequest, facility_id: Any) -> HttpResponse:
    facility: Facility = get_visible_facility_or_404(request.user, facility_id)
    try:
        cycle = cycle_services.cycle_start(facility=facility, user=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("applications:index")
    messages.success(request, _("Your application has started. Answer each requirement and link your evidence."))
    return redirect("applications:workspace", cycle.pk)


@login_required
def workspace(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    overview = selectors.cycle_overview(cycle)
    office_actions = []
    if can_manage_cycle(request.user, cycle):
        office_actions = [
            t.name for t in CYCLE_LIFECYCLE.available(cycle, request.user) if t.name in OFFICE_ACTION_NAMES
        ]
    dossiers = selectors.dossier_revisions(cycle)
    context = {
        "cycle": cycle,
        "overview": overview,
        "can_edit": can_edit_cycle(request.user, cycle),
        "can_submit_now": cycle.status in EDITABLE_CYCLE_STATES,
        "case_review": cycle_selectors.case_review_status(cycle),
        "case_review_url": cycle_selectors.case_review_url(cycle),
        "events": timeline(cycle)[:20],
        "dossier": dossiers[0] if dossiers else None,
        "dossiers": dossiers,
        "next_step": selectors.cycle_next_step(cycle),
        "carried": selectors.carried_over_summary(cycle) if cycle.is_recertification else None,
        "office_actions": office_actions,
        "return_form": ReasonForm(),
    }
    return render(request, "applications/workspace.html", context)


def _answer_form(answer: Answer, team: list[Any], data: Any = None) -> AnswerForm:
    initial = {
        "claim": answer.claim,
        "na_reason": answer.na_reason,
        "narrative": answer.narrative,
        "assignee": str(answer.assignee_id or ""),
        "revision": answer.revision,
    }
    return AnswerForm(data, initial=initial, team=team, auto_id=f"a-{answer.pk}-%s")


@login_required
def standard_page(request: HttpRequest, cycle_id: Any, number: int) -> HttpResponse:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    standard = get_object_or_404(Standard.objects.select_related("section"), framework=cycle.framework, number=number)
    can_edit = can_edit_cycle(request.user, cycle)
    team = selectors.team_of(cycle.facility) if can_edit else []
    answers = selectors.standard_answers(cycle, standard)
    documents = selectors.library_choices(cycle.facility) if can_edit else []
    # In an amendment round only the reopened answers are open; the rest show as carried over.
    amending = cycle.status == CycleStatus.AMENDING
    reopened = selectors.reopened_answer_ids(cycle)
    rows = []
    for a in answers:
        editable = can_edit and (not amending or a.pk in reopened)
        rows.append(
            {
                "answer": a,
                "gap": selectors.answer_gap(a),
                "form": _answer_form(a, team) if editable else None,
                "editable": editable,
                "reopened": a.pk in reopened,
                "reopened_reason": reopened.get(a.pk, ""),
                "held_over": amending and a.pk not in reopened,
                "linked_ids": {link.document_id for link in a.links.all()},
            }
        )
    standards = list(
        Standard.objects.filter(framework=cycle.framework).order_by("number").only("id", "number", "title")
    )
    context = {
        "cycle": cycle,
        "standard": standard,
        "rows": rows,
        "can_edit": can_edit,
        "documents": documents,
        "standards": standards,
        "comment_form": CommentForm(),
        "amending": amending,
    }
    return render(request, "applications/standard.html", context)


def _answer_input(form: AnswerForm) -> services.AnswerInput:
    data = form.cleaned_data
    return services.AnswerInput(
        claim=data["claim"],
        na_reason=data["na_reason"],
        narrative=data["narrative"],
        assignee_id=data["assignee"] or None,
    )


@login_required
def answer_page(request: HttpRequest, cycle_id: Any, answer_id: Any) -> HttpResponse:
    """One answer: GET shows it; POST saves it (from the htmx autosave or a plain form post)."""
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    answer = _answer_or_404(cycle, answer_id)
    if request.method != "POST":
        return redirect(selectors.answer_url(answer))
    refusal = _check_edit(request, cycle, answer)
    if refusal is not None:
        return refusal
    team = selectors.team_of(cycle.facility)
    form = _answer_form(answer, team, request.POST)
    status = 200
    context: dict[str, Any] = {"cycle": cycle, "answer": answer, "form": form}
    if form.is_valid():
        try:
            saved = services.answer_save(
                answer=answer, user=request.user, base_revision=form.cleaned_data["revision"], data=_answer_input(form)
            )
        except services.StaleAnswer as stale:
            context.update(_conflict_context(stale, team))
            status = 409
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            if _is_htmx(request):
                return render(request, "applications/_answer_saved.html", {"answer": saved})
            messages.success(request, _("Saved %(ref)s.") % {"ref": saved.requirement.reference})
            return redirect(selectors.answer_url(saved))
    if _is_htmx(request):
        # htmx swaps only 2xx answers: the conflict comes back as 200 with the panel to merge.
        return render(request, "applications/_answer_saved.html", context)
    return render(request, "applications/answer.html", context, status=status if status == 409 else 400)


def _conflict_context(stale: services.StaleAnswer, team: list[Any]) -> dict[str, Any]:
    current = stale.current
    yours = stale.yours
    names = {str(u.pk): str(u) for u in team}
    claims = dict(Claim.choices)
    merge = AnswerForm(
        initial={
            "claim": yours["claim"],
            "na_reason": yours["na_reason"],
            "narrative": yours["narrative"],
            "assignee": yours["assignee_id"] or "",
            "revision": current.revision,
        },
        team=team,
        auto_id=f"m-{current.pk}-%s",
    )
    return {
        "conflict": True,
        "current": current,
        "yours": yours,
        "yours_claim": claims.get(yours["claim"], _("not answered")),
        "yours_assignee": names.get(yours["assignee_id"] or "", ""),
        "merge_form": merge,
    }


@login_required
@require_POST
def comment_add(request: HttpRequest, cycle_id: Any, answer_id: Any) -> HttpResponse:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    answer = _answer_or_404(cycle, answer_id)
    refusal = _check_edit(request, cycle)
    if refusal is not None:
        return refusal
    form = CommentForm(request.POST)
    if form.is_valid():
        services.comment_add(answer=answer, user=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Comment added to %(ref)s.") % {"ref": answer.requirement.reference})
    else:
        messages.error(request, _("Write a comment first."))
    return redirect(selectors.answer_url(answer))


@login_required
@require_POST
def link_add(request: HttpRequest, cycle_id: Any, answer_id: Any) -> HttpResponse:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    answer = _answer_or_404(cycle, answer_id)
    refusal = _check_edit(request, cycle, answer)
    if refusal is not None:
        return refusal
    form = LinkForm(request.POST, documents=EvidenceDocument.objects.filter(facility=cycle.facility))
    if form.is_valid():
        services.evidence_link(answer=answer, document=form.cleaned_data["document"], user=request.user)
        messages.success(request, _("Evidence linked to %(ref)s.") % {"ref": answer.requirement.reference})
    else:
        messages.error(request, _("Choose a document from the evidence library."))
    return redirect(selectors.answer_url(answer))


@login_required
@require_POST
def link_remove(request: HttpRequest, cycle_id: Any, answer_id: Any, document_id: Any) -> HttpResponse:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    answer = _answer_or_404(cycle, answer_id)
    refusal = _check_edit(request, cycle, answer)
    if refusal is not None:
        return refusal
    document = get_object_or_404(EvidenceDocument, pk=document_id, facility=cycle.facility)
    services.evidence_unlink(answer=answer, document=document, user=request.user)
    messages.success(request, _("Evidence unlinked from %(ref)s.") % {"ref": answer.requirement.reference})
    return redirect(selectors.answer_url(answer))


@login_required
def submit(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    """The pre-flight: every blocker with a link; the declaration for the representative to sign."""
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    if cycle.status not in EDITABLE_CYCLE_STATES:
        if request.method == "POST":
            return _locked_response(request, cycle)
        return redirect("applications:dossier", cycle.pk)
    uses_code = bool(request.user.has_mfa)  # type: ignore[union-attr]
    form = SubmitForm(request.POST or None, uses_code=uses_code)
    if request.method == "POST":
        if not can_submit_cycle(request.user, cycle):
            raise PermissionDenied
        if form.is_valid():
            try:
                cycle_services.cycle_submit(
                    cycle=cycle,
                    user=request.user,
                    declaration_accepted=form.cleaned_data["declaration"],
                    password=form.cleaned_data.get("password", ""),
                    code=form.cleaned_data.get("code", ""),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except TransitionNotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Your application is submitted. The dossier is frozen."))
                return redirect("applications:dossier", cycle.pk)
    blockers: list[Blocker] = cycle_selectors.submission_blockers(cycle, request.user)
    context = {
        "cycle": cycle,
        "blockers": blockers,
        "form": form,
        "declaration": DECLARATION,
        "can_sign": can_submit_cycle(request.user, cycle) and not blockers,
        "uses_code": uses_code,
    }
    return render(request, "applications/submit.html", context, status=400 if form.errors else 200)


def _dossier_or_404(request: HttpRequest, cycle_id: Any, number: int | None = None) -> Dossier:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    dossiers = Dossier.objects.select_related("cycle__facility", "cycle__framework", "signed_by").filter(cycle=cycle)
    if number is not None:
        dossiers = dossiers.filter(number=number)
    dossier = dossiers.order_by("-number").first()
    if dossier is None:
        raise Http404
    return dossier


@login_required
def dossier_page(request: HttpRequest, cycle_id: Any, number: int | None = None) -> HttpResponse:
    dossier = _dossier_or_404(request, cycle_id, number)
    snapshot = dossier.snapshot
    revisions = selectors.dossier_revisions(dossier.cycle)
    context = {
        "cycle": dossier.cycle,
        "dossier": dossier,
        "verified": dossier_verify(dossier),
        "answers": snapshot.get("answers", []),
        "revisions": snapshot.get("evidence_revisions", []),
        "dossier_revisions": revisions,
        "is_latest": bool(revisions) and revisions[0].pk == dossier.pk,
        "amendment": snapshot.get("amendment"),
    }
    return render(request, "applications/dossier.html", context)


def _attachment(response: HttpResponseBase, filename: str) -> HttpResponseBase:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def dossier_pdf_download(request: HttpRequest, cycle_id: Any, number: int | None = None) -> HttpResponseBase:
    dossier = _dossier_or_404(request, cycle_id, number)
    response = HttpResponse(dossier_pdf(dossier), content_type="application/pdf")
    return _attachment(response, f"dossier-{dossier.sha256[:12]}.pdf")


@login_required
def dossier_zip_download(request: HttpRequest, cycle_id: Any, number: int | None = None) -> HttpResponseBase:
    dossier = _dossier_or_404(request, cycle_id, number)
    response = FileResponse(dossier_zip(dossier), content_type="application/zip")
    return _attachment(response, f"dossier-{dossier.sha256[:12]}-evidence.zip")
