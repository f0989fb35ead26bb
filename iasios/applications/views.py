"""Pages of an application's content: standard pages, answers, comments, evidence links,
confirming carried-over answers, the dossier revisions and what changed between them.

Thin: each view calls a selector or a service and renders. Who may see the cycle is decided
above this app (assessors working on it see it too): each view is given `visible_cycle`, the
resolver that answers the cycle or 404, by its URL table (`urls.patterns`, mounted by
iasios/cycles/urls_applications.py). An action the user may not take on a cycle they see is
403; a write to a submitted cycle goes back to the workspace with a message. The pages that
move a cycle along (workspace, submission, hand-overs) are in iasios/cycles/views.py.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from iasios.applications import selectors, services
from iasios.applications.access import CycleResolver, can_edit_answer, can_edit_cycle, can_view_evidence
from iasios.applications.dossier import (
    dossier_documents_ready,
    dossier_pdf_document,
    dossier_verify,
    dossier_zip_document,
    frozen_revisions,
)
from iasios.applications.forms import AnswerForm, CommentForm, LinkForm
from iasios.applications.models import (
    EDITABLE_CYCLE_STATES,
    Answer,
    Claim,
    Cycle,
    CycleStatus,
    Dossier,
    EvidenceDocument,
)
from iasios.applications.templatetags.applications import link_choices
from iasios.core.documents import document_response
from iasios.core.refusals import refusal_as_message, refusal_on
from iasios.core.rows import ROW_ID
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
def standard_page(request: HttpRequest, cycle_id: Any, number: int, *, visible_cycle: CycleResolver) -> HttpResponse:
    cycle = visible_cycle(request.user, cycle_id)
    standard = get_object_or_404(Standard.objects.select_related("section"), framework=cycle.framework, number=number)
    can_edit = can_edit_cycle(request.user, cycle)
    team = selectors.team_of(cycle.facility) if can_edit else []
    answers = selectors.standard_answers(cycle, standard)
    documents = link_choices(selectors.library_choices(cycle.facility)) if can_edit else []
    # In an amendment round only the reopened answers are open; the rest show as carried over.
    amending = cycle.status == CycleStatus.AMENDING
    reopened = selectors.reopened_answer_ids(cycle)
    sees_library = can_view_evidence(request.user, cycle.facility)
    # Once submitted (and always for those outside the library: assessors, the committee) the
    # evidence shown is the revision frozen in the latest dossier, the one being judged.
    frozen = (
        frozen_revisions(selectors.latest_dossier(cycle))
        if cycle.status not in EDITABLE_CYCLE_STATES or not sees_library
        else None
    )
    rows = []
    # Reversed once: the row's answer put in here, each linked document's id by the template (with_id).
    unlink_url = reverse("applications:link_remove", args=[cycle.pk, ROW_ID, ROW_ID])
    for item in answers:
        a = item.answer
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
                "linked_ids": {document.pk for document, _latest in item.documents},
                "evidence": [_evidence_item(document, latest, frozen) for document, latest in item.documents],
                "comments": item.comments,
                "unlink_url": unlink_url.replace(ROW_ID, str(a.pk), 1),
            }
        )
    standards = list(
        Standard.objects.filter(framework=cycle.framework)
        .order_by("number")
        .only("id", "number", "title", "translations")
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
        "sees_library": sees_library,
        # The hidden CSRF input, written once for the page's many small forms ({% csrf_token %} masks
        # the token anew at each use).
        "csrf_field": csrf_input(request),
    }
    return render(request, "applications/standard.html", context)


def _evidence_item(
    document: EvidenceDocument, latest: selectors.LatestFile | None, frozen: dict[str, dict[str, Any]] | None
) -> dict[str, Any]:
    """A linked document as the standard page shows it: the library's latest file, or the frozen one."""
    if frozen is None:
        revision = {"id": latest.id, "number": latest.number, "size": latest.size} if latest else None
    else:
        entry = frozen.get(str(document.pk))
        revision = {"id": entry["id"], "number": entry["revision"], "size": entry["size"]} if entry else None
    return {"document": document, "revision": revision, "frozen": frozen is not None}


def _one_newline(text: str) -> str:
    # A plain form post sends a textarea's line breaks as CRLF, htmx's autosave as LF: the same
    # text must compare equal, or a save right after an autosave looks like someone else's change.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _answer_input(form: AnswerForm) -> services.AnswerInput:
    data = form.cleaned_data
    return services.AnswerInput(
        claim=data["claim"],
        na_reason=_one_newline(data["na_reason"]),
        narrative=_one_newline(data["narrative"]),
        assignee_id=data["assignee"] or None,
    )


@login_required
def answer_page(request: HttpRequest, cycle_id: Any, answer_id: Any, *, visible_cycle: CycleResolver) -> HttpResponse:
    """One answer: GET shows it; POST saves it (from the htmx autosave or a plain form post)."""
    cycle = visible_cycle(request.user, cycle_id)
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
            with refusal_on(form):
                saved = services.answer_save(
                    answer=answer,
                    user=request.user,
                    base_revision=form.cleaned_data["revision"],
                    data=_answer_input(form),
                )
                if _is_htmx(request):
                    return render(request, "applications/_answer_saved.html", {"answer": saved})
                messages.success(request, _("Saved %(ref)s.") % {"ref": saved.requirement.reference})
                return redirect(selectors.answer_url(saved))
        except services.StaleAnswer as stale:
            # Not a refusal to show: both versions travel back, for the person to merge.
            context.update(_conflict_context(stale, team))
            status = 409
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
def comment_add(request: HttpRequest, cycle_id: Any, answer_id: Any, *, visible_cycle: CycleResolver) -> HttpResponse:
    cycle = visible_cycle(request.user, cycle_id)
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
def link_add(request: HttpRequest, cycle_id: Any, answer_id: Any, *, visible_cycle: CycleResolver) -> HttpResponse:
    cycle = visible_cycle(request.user, cycle_id)
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
def link_remove(
    request: HttpRequest, cycle_id: Any, answer_id: Any, document_id: Any, *, visible_cycle: CycleResolver
) -> HttpResponse:
    cycle = visible_cycle(request.user, cycle_id)
    answer = _answer_or_404(cycle, answer_id)
    refusal = _check_edit(request, cycle, answer)
    if refusal is not None:
        return refusal
    document = get_object_or_404(EvidenceDocument, pk=document_id, facility=cycle.facility)
    services.evidence_unlink(answer=answer, document=document, user=request.user)
    messages.success(request, _("Evidence unlinked from %(ref)s.") % {"ref": answer.requirement.reference})
    return redirect(selectors.answer_url(answer))


@login_required
@require_POST
def answer_confirm(
    request: HttpRequest, cycle_id: Any, answer_id: Any, *, visible_cycle: CycleResolver
) -> HttpResponse:
    """Confirm a carried-over answer as it stands."""
    cycle = visible_cycle(request.user, cycle_id)
    answer = get_object_or_404(
        Answer.objects.select_related("requirement__standard", "cycle__facility"), pk=answer_id, cycle=cycle
    )
    if not can_edit_answer(request.user, answer, cycle):
        raise PermissionDenied
    with refusal_as_message(request):
        services.answer_confirm(answer=answer, user=request.user)
        messages.success(request, _("Confirmed %(ref)s as carried over.") % {"ref": answer.requirement.reference})
        return redirect(selectors.answer_url(answer))
    return redirect("applications:workspace", cycle.pk)


@login_required
def changes(request: HttpRequest, cycle_id: Any, *, visible_cycle: CycleResolver) -> HttpResponse:
    """What changed: between two dossier revisions (`from`, `to`; default the last two), or, with
    `against=previous`, a re-certification against the last decided cycle."""
    cycle = visible_cycle(request.user, cycle_id)
    context: dict[str, Any] = {"cycle": cycle}
    if request.GET.get("against") == "previous":
        result = selectors.cycle_changes_since_previous(cycle)
        if result is None:
            raise Http404
        context.update({"changes": result, "against_previous": True})
        return render(request, "applications/changes.html", context)
    dossiers = {d.number: d for d in Dossier.objects.filter(cycle=cycle)}
    if not dossiers:
        raise Http404
    try:
        new_number = int(request.GET.get("to") or max(dossiers))
        old_number = int(request.GET.get("from") or new_number - 1)
    except ValueError as exc:
        raise Http404 from exc
    new = dossiers.get(new_number)
    if new is None or (old_number not in dossiers and old_number != 0) or old_number >= new_number:
        raise Http404
    old = dossiers.get(old_number)
    context.update({"changes": selectors.dossier_changes(old, new), "old": old, "new": new})
    return render(request, "applications/changes.html", context)


def _dossier_or_404(
    request: HttpRequest, cycle_id: Any, number: int | None = None, *, visible_cycle: CycleResolver
) -> Dossier:
    cycle = visible_cycle(request.user, cycle_id)
    dossiers = Dossier.objects.select_related("cycle__facility", "cycle__framework", "signed_by").filter(cycle=cycle)
    if number is not None:
        dossiers = dossiers.filter(number=number)
    dossier = dossiers.order_by("-number").first()
    if dossier is None:
        raise Http404
    return dossier


@login_required
def dossier_page(
    request: HttpRequest, cycle_id: Any, number: int | None = None, *, visible_cycle: CycleResolver
) -> HttpResponse:
    dossier = _dossier_or_404(request, cycle_id, number, visible_cycle=visible_cycle)
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
        "documents_ready": dossier_documents_ready(dossier),
    }
    return render(request, "applications/dossier.html", context)


@login_required
def dossier_pdf_download(
    request: HttpRequest, cycle_id: Any, number: int | None = None, *, visible_cycle: CycleResolver
) -> HttpResponseBase:
    """The summary, stored when the dossier was frozen (rendered now if it is not yet)."""
    dossier = _dossier_or_404(request, cycle_id, number, visible_cycle=visible_cycle)
    return document_response(dossier_pdf_document(dossier))


@login_required
def dossier_zip_download(
    request: HttpRequest, cycle_id: Any, number: int | None = None, *, visible_cycle: CycleResolver
) -> HttpResponseBase:
    dossier = _dossier_or_404(request, cycle_id, number, visible_cycle=visible_cycle)
    return document_response(dossier_zip_document(dossier))
