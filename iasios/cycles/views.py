"""The application pages that need more than the applications app knows (under /applications/):
the list and the start (a current award), the workspace (the case review, the office's buttons),
the pre-flight and signing, the readiness report, the office's hand-overs and the start of a
re-certification (its window).

Thin: access from cycles.access, buttons from `CYCLE_LIFECYCLE.available`, the write in a
service of cycles.services, which refuses (a refusal goes on the form or into a message).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from iasios.applications import selectors
from iasios.applications.access import can_edit_cycle, can_start_cycle, cycles_visible_to
from iasios.applications.dossier import DECLARATION
from iasios.applications.models import EDITABLE_CYCLE_STATES, Cycle, CycleAim
from iasios.core.events import timeline
from iasios.core.pdf import pdf_response
from iasios.core.refusals import refusal_as_message, refusal_on
from iasios.cycles import selectors as cycle_selectors
from iasios.cycles import services
from iasios.cycles.access import get_visible_cycle_or_404
from iasios.cycles.forms import ReasonForm, RecertificationForm, SubmitForm
from iasios.cycles.lifecycle import CYCLE_LIFECYCLE, OFFICE_ACTION_NAMES
from iasios.cycles.readiness import readiness_report, readiness_report_pdf
from iasios.facilities.access import can_view_facility, get_visible_facility_or_404
from iasios.facilities.models import Facility


def _offered(cycle: Cycle, user: Any) -> set[str]:
    return {t.name for t in CYCLE_LIFECYCLE.available(cycle, user)}


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
                "recertification": cycle_selectors.recertification_status(facility, request.user),
                "has_award": cycle_selectors.has_current_award(facility),
            }
        )
    return render(request, "applications/index.html", {"cycles": cycles, "facilities": facilities})


@login_required
@require_POST
def cycle_start(request: HttpRequest, facility_id: Any) -> HttpResponse:
    facility: Facility = get_visible_facility_or_404(request.user, facility_id)
    with refusal_as_message(request):
        cycle = services.cycle_start(facility=facility, user=request.user)
        messages.success(request, _("Your application has started. Answer each requirement and link your evidence."))
        return redirect("applications:workspace", cycle.pk)
    return redirect("applications:index")


@login_required
def workspace(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    overview = selectors.cycle_overview(cycle)
    offered = _offered(cycle, request.user)
    dossiers = selectors.dossier_revisions(cycle)
    context = {
        "cycle": cycle,
        "overview": overview,
        "can_edit": can_edit_cycle(request.user, cycle),
        "can_submit_now": cycle.status in EDITABLE_CYCLE_STATES,
        "case_review": cycle_selectors.case_review_status(cycle),
        "case_review_url": cycle_selectors.case_review_url(cycle),
        "events": timeline(cycle),
        "dossier": dossiers[0] if dossiers else None,
        "dossiers": dossiers,
        "next_step": selectors.cycle_next_step(cycle),
        "carried": selectors.carried_over_summary(cycle) if cycle.is_recertification else None,
        "office_actions": [name for name in OFFICE_ACTION_NAMES if name in offered],
        "return_form": ReasonForm(),
    }
    return render(request, "applications/workspace.html", context)


def _locked_response(request: HttpRequest, cycle: Cycle) -> HttpResponse:
    messages.error(request, _("This application has been submitted; it can no longer be changed."))
    url = reverse("applications:workspace", args=[cycle.pk])
    return HttpResponseClientRedirect(url) if getattr(request, "htmx", False) else redirect(url)


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
    if request.method == "POST" and form.is_valid():
        with refusal_on(form):
            services.cycle_submit(
                cycle=cycle,
                user=request.user,
                declaration_accepted=form.cleaned_data["declaration"],
                password=form.cleaned_data.get("password", ""),
                code=form.cleaned_data.get("code", ""),
                request=request,
            )
            messages.success(request, _("Your application is submitted. The dossier is frozen."))
            return redirect("applications:dossier", cycle.pk)
    context = {
        "cycle": cycle,
        "blockers": cycle_selectors.submission_blockers(cycle, request.user),
        "form": form,
        "declaration": DECLARATION,
        "can_sign": "submit" in _offered(cycle, request.user),
        "uses_code": uses_code,
    }
    return render(request, "applications/submit.html", context, status=400 if form.errors else 200)


@require_GET
@login_required
def readiness_report_download(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    """The readiness report: the facility's members and the office."""
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    # An assessor may see a cycle they assess; its preparation is the facility's and the office's.
    if not can_view_facility(request.user, cycle.facility):
        raise PermissionDenied
    report = readiness_report(cycle)
    name = slugify(cycle.facility.name)[:60] or "facility"
    return pdf_response(readiness_report_pdf(report), f"readiness-{name}-{report.generated_at:%Y-%m-%d}.pdf")


# ----------------------------------------------------------------------------- the office's hand-overs


@login_required
def cycle_return(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    """The office returns a submitted dossier with reasons (GET: the form; POST: return it)."""
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    if not CYCLE_LIFECYCLE["return"].who(request.user, cycle):
        raise PermissionDenied
    form = ReasonForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusal_as_message(request):
                services.cycle_return(cycle=cycle, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("The application is returned to the facility with your reasons."))
            return redirect("applications:workspace", cycle.pk)
        status = 400
    return render(request, "applications/return.html", {"cycle": cycle, "form": form}, status=status)


def _office_step(request: HttpRequest, cycle_id: Any, action: str) -> HttpResponse:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    service = {
        "start_assessment": services.cycle_start_assessment,
        "send_to_committee": services.cycle_send_to_committee,
        "close_amendment": services.cycle_close_amendment,
    }[action]
    with refusal_as_message(request):
        service(cycle=cycle, actor=request.user)
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
def cycle_close_amendment(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    return _office_step(request, cycle_id, "close_amendment")


# ----------------------------------------------------------------------------- re-certification


@login_required
def recertification_start(request: HttpRequest, facility_id: Any) -> HttpResponse:
    """GET: the choice of aim, or, when it cannot start now, when it opens and what will happen;
    POST: start the re-certification."""
    facility = get_visible_facility_or_404(request.user, facility_id)
    recertification = cycle_selectors.recertification_status(facility, request.user)
    context: dict[str, Any] = {"facility": facility, "recertification": recertification}
    if not recertification.can_start:
        # Not a bare refusal: the page says when the window opens, or who may start it and what happens.
        refused = recertification.state == cycle_selectors.RecertificationState.OPEN or request.method == "POST"
        return render(request, "applications/recertify.html", context, status=403 if refused else 200)
    form = RecertificationForm(request.POST or None, initial={"aim": CycleAim.ACCREDITED})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusal_on(form):
                cycle = services.cycle_start_recertification(
                    facility=facility, user=request.user, aim=form.cleaned_data["aim"], today=timezone.localdate()
                )
                messages.success(
                    request,
                    _("Your re-certification has started from your last application. Confirm or change each answer."),
                )
                return redirect("applications:workspace", cycle.pk)
        status = 400
    return render(request, "applications/recertify.html", {**context, "form": form}, status=status)
