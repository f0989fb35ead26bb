"""Decision pages for the facility (and the office and committee): decision, letter, appeal, awards."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from iasios.accounts.access import has_programme_role
from iasios.accounts.roles import ProgrammeRoleName
from iasios.applications.models import EvidenceDocument
from iasios.assessment import selectors as assessment_selectors
from iasios.core.documents import document_response
from iasios.core.events import timeline
from iasios.core.refusals import refusal_on
from iasios.decisions import panels, selectors, services
from iasios.decisions.access import (
    can_appoint_panel,
    can_lodge_appeal,
    can_manage_actions,
    can_manage_award,
    can_view_facility_awards,
    get_visible_appeal_or_404,
    get_visible_award_or_404,
    get_visible_decision_or_404,
    hearing_refusal,
    may_sit_on_appeal_panels,
)
from iasios.decisions.forms import AppealForm, AppealPanelForm, CorrectiveActionForm, ReasonForm, VerifyForm
from iasios.decisions.letters import appeal_letter_document, decision_letter_document
from iasios.decisions.lifecycle import ACTION_LIFECYCLE, AWARD_LIFECYCLE
from iasios.decisions.models import Appeal, AppealStatus, Decision, DecisionStatus
from iasios.decisions.seals import SEAL_LEVEL_NAMES, seal_label
from iasios.facilities.models import Facility

VISIT_READERS = (ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR, ProgrammeRoleName.COMMITTEE)


@login_required
@require_GET
def decision_page(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponse:
    decision = get_visible_decision_or_404(request.user, decision_id)
    if decision.status == DecisionStatus.VOTING:
        raise Http404  # a round still voting is the committee's business only
    return render(request, "decisions/decision.html", decision_context(request, decision))


def decision_context(
    request: HttpRequest, decision: Decision, action_form: CorrectiveActionForm | None = None
) -> dict[str, Any]:
    """The decision page's data; the office's corrective action form as posted, when it was refused."""
    detail = selectors.decision_detail(decision)
    return {
        "decision": decision,
        "facility": decision.cycle.facility,
        "appeal_deadline": services.appeal_deadline(decision),
        "appeal_refusal": services.appeal_refusal(decision),
        "may_appeal": can_lodge_appeal(request.user, decision),
        "may_manage": can_manage_actions(request.user),
        "verifiable": {a.pk for a in detail["actions"] if ACTION_LIFECYCLE.available(a, request.user)},
        "action_form": action_form or CorrectiveActionForm(),
        "verify_form": VerifyForm(),
        "events": timeline(decision),
        **detail,
        **_visit_record(request.user, decision),
    }


def _visit_record(user: Any, decision: Decision) -> dict[str, Any]:
    """The visit (plan and findings per requirement) in the decision's record, for programme staff."""
    if not has_programme_role(user, *VISIT_READERS):
        return {}
    visit = assessment_selectors.visit_of(decision.cycle)
    findings = assessment_selectors.visit_findings(visit) if visit is not None else []
    return {"show_visit": True, "visit": visit, "visit_findings": findings}


@login_required
@require_GET
def decision_letter(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponseBase:
    decision = get_visible_decision_or_404(request.user, decision_id)
    if decision.status == DecisionStatus.VOTING:
        raise Http404
    return document_response(decision_letter_document(decision))


@login_required
@require_http_methods(["GET", "POST"])
def appeal_lodge(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponse:
    decision = get_visible_decision_or_404(request.user, decision_id)
    if decision.status == DecisionStatus.VOTING:
        raise Http404
    if not can_lodge_appeal(request.user, decision):
        raise PermissionDenied(_("Only the authorised representative can lodge an appeal."))
    refusal = services.appeal_refusal(decision)
    documents = EvidenceDocument.objects.filter(facility=decision.cycle.facility).order_by("title")
    form = AppealForm(request.POST or None, documents=documents)
    if request.method == "POST" and not refusal and form.is_valid():
        with refusal_on(form):
            appeal = services.appeal_lodge(
                decision=decision,
                user=request.user,
                grounds=form.cleaned_data["grounds"],
                document_ids=[d.pk for d in form.cleaned_data["documents"]],
            )
            messages.success(request, _("Your appeal is lodged. Committee members who took no part will hear it."))
            return redirect("decisions:appeal", appeal.pk)
    return render(
        request,
        "decisions/appeal_form.html",
        {"decision": decision, "form": form, "refusal": refusal, "deadline": services.appeal_deadline(decision)},
    )


@login_required
@require_GET
def appeal_page(request: HttpRequest, appeal_id: uuid.UUID) -> HttpResponse:
    appeal = get_visible_appeal_or_404(request.user, appeal_id)
    return render(request, "decisions/appeal.html", appeal_context(request, appeal))


def appeal_context(request: HttpRequest, appeal: Appeal, panel_form: AppealPanelForm | None = None) -> dict[str, Any]:
    """The appeal page's data: for the office, the panel (with the form as posted when it was
    refused); for committee members, whether they may hear it and why not."""
    context: dict[str, Any] = {"appeal": appeal, "decision": appeal.decision, "events": timeline(appeal)}
    if may_sit_on_appeal_panels(request.user):
        context["may_sit"] = True
        context["hearing_refusal"] = hearing_refusal(request.user, appeal)
    if can_appoint_panel(request.user) and appeal.is_lodged:
        state = panels.panel_state(appeal)
        context["panel_state"] = state
        context["panel_form"] = panel_form or AppealPanelForm(
            initial={"members": [m.pk for m in state.panel]}, candidates=panels.eligible_members(appeal)
        )
    return context


@login_required
@require_GET
def appeal_letter(request: HttpRequest, appeal_id: uuid.UUID) -> HttpResponseBase:
    appeal = get_visible_appeal_or_404(request.user, appeal_id)
    if appeal.status == AppealStatus.LODGED:
        raise Http404  # no letter before the panel's finding
    return document_response(appeal_letter_document(appeal))


@login_required
@require_GET
def facility_awards(request: HttpRequest, facility_id: uuid.UUID) -> HttpResponse:
    facility = Facility.objects.filter(pk=facility_id).first()
    if facility is None or not can_view_facility_awards(request.user, facility):
        raise Http404
    record = selectors.facility_record(facility)
    return render(
        request,
        "decisions/facility_awards.html",
        {
            "facility": facility,
            "seal_levels": [(level, seal_label(level)) for level in SEAL_LEVEL_NAMES],
            "recertification_open": selectors.recertification_open(facility),
            **record,
        },
    )


@login_required
@require_GET
def award_page(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    award = get_visible_award_or_404(request.user, award_id)
    return render(
        request,
        "decisions/award.html",
        {
            "award": award,
            "certificate": getattr(award, "certificate", None),
            "may_manage": can_manage_award(request.user),
            "award_actions": {t.name for t in AWARD_LIFECYCLE.available(award, request.user)},
            "reason_form": ReasonForm(),
            "events": timeline(award),
            "recertification_opens_on": selectors.recertification_opens_on(award),
        },
    )
