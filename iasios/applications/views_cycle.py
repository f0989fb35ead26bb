"""Pages that move a cycle along: the office's hand-overs, confirming carried-over answers,
starting a re-certification, and what changed between dossiers.

Thin, like views.py: access from access.py, the write in a service, the read in a selector.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iasios.applications import selectors, services
from iasios.applications.access import can_edit_answer, can_manage_cycle, get_visible_cycle_or_404
from iasios.applications.forms import ReasonForm, RecertificationForm
from iasios.applications.models import Answer, Dossier
from iasios.core.statemachine import TransitionNotAllowed
from iasios.cycles import selectors as cycle_selectors
from iasios.cycles import services as cycle_services
from iasios.facilities.access import get_visible_facility_or_404


def _office_cycle(request: HttpRequest, cycle_id: Any) -> Any:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    if not can_manage_cycle(request.user, cycle):
        raise PermissionDenied
    return cycle


@login_required
def cycle_return(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    """The office returns a submitted dossier with reasons (GET: the form; POST: return it)."""
    cycle = _office_cycle(request, cycle_id)
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cycle_services.cycle_return(cycle=cycle, actor=request.user, reason=form.cleaned_data["reason"])
            except TransitionNotAllowed as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("The application is returned to the facility with your reasons."))
            return redirect("applications:workspace", cycle.pk)
        status = 400
    return render(request, "applications/return.html", {"cycle": cycle, "form": form}, status=status)


def _office_step(request: HttpRequest, cycle_id: Any, action: str) -> HttpResponse:
    cycle = _office_cycle(request, cycle_id)
    service = {
        "start_assessment": cycle_services.cycle_start_assessment,
        "send_to_committee": cycle_services.cycle_send_to_committee,
    }[action]
    try:
        service(cycle=cycle, actor=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Done: the application is now “%(state)s”.") % {"state": cycle.get_status_display()}
        )
    return redirect("applications:workspace", cycle.pk)


@login_required
@require_POST
def cycle_start_assessment(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    return _office_step(request, cycle_id, "start_assessment")


@login_required
@require_POST
def cycle_send_to_committee(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    return _office_step(request, cycle_id, "send_to_committee")


@login_required
@require_POST
def answer_confirm(request: HttpRequest, cycle_id: Any, answer_id: Any) -> HttpResponse:
    """Confirm a carried-over answer as it stands."""
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    answer = get_object_or_404(
        Answer.objects.select_related("requirement__standard", "cycle__facility"), pk=answer_id, cycle=cycle
    )
    if not can_edit_answer(request.user, answer, cycle):
        raise PermissionDenied
    try:
        services.answer_confirm(answer=answer, user=request.user)
    except TransitionNotAllowed as exc:
        messages.error(request, str(exc))
        return redirect("applications:workspace", cycle.pk)
    messages.success(request, _("Confirmed %(ref)s as carried over.") % {"ref": answer.requirement.reference})
    return redirect(selectors.answer_url(answer))


@login_required
def recertification_start(request: HttpRequest, facility_id: Any) -> HttpResponse:
    """GET: the choice of aim; POST: start the re-certification."""
    facility = get_visible_facility_or_404(request.user, facility_id)
    window = cycle_selectors.recertification_window(facility, request.user)
    if not window.can_start:
        raise PermissionDenied
    form = RecertificationForm(request.POST or None, initial={"aim": "accredited"})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                cycle = cycle_services.cycle_start_recertification(
                    facility=facility, user=request.user, aim=form.cleaned_data["aim"], today=timezone.localdate()
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            except TransitionNotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Your re-certification has started from your last application. Confirm or change each answer."),
                )
                return redirect("applications:workspace", cycle.pk)
        status = 400
    context = {"facility": facility, "form": form, "window": window}
    return render(request, "applications/recertify.html", context, status=status)


@login_required
def changes(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    """What changed: between two dossier revisions (`from`, `to`; default the last two), or, with
    `against=previous`, a re-certification against the last decided cycle."""
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
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
