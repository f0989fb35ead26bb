"""Office pages under /office/decisions/: decisions, corrective actions, awards (suspend, reinstate, withdraw)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import ProgrammeRoleName
from iasios.core.exports import export_response
from iasios.core.refusals import refusal_as_message, refusal_on
from iasios.decisions import panels, selectors, services, tables
from iasios.decisions.access import get_visible_appeal_or_404, get_visible_decision_or_404
from iasios.decisions.forms import AppealPanelForm, CorrectiveActionForm, ReasonForm, VerifyForm
from iasios.decisions.models import Award, CorrectiveAction, Decision, DecisionStatus
from iasios.decisions.views import appeal_context, decision_context

office_only = programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)

AWARD_ACTIONS = {
    "suspend": (
        services.award_suspend,
        gettext_lazy("The award is suspended: the registry and verification page say so now."),
    ),
    "reinstate": (services.award_reinstate, gettext_lazy("The award is valid again.")),
    "withdraw": (services.award_withdraw, gettext_lazy("The award is withdrawn.")),
}


@office_only
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    context = selectors.office_overview()
    export = export_response(
        request,
        tables.corrective_action_table(context["open_actions"]),
        tables.decision_table(selectors.decisions_for_office()),
        tables.appeal_table(context["appeals"]),
        tables.award_table(context["awards"]),
    )
    if export is not None:
        return export
    return render(request, "decisions/office_overview.html", context)


@office_only
@require_POST
def action_add(request: HttpRequest, decision_id: uuid.UUID) -> HttpResponse:
    decision = get_object_or_404(
        Decision.objects.select_related("cycle"), pk=decision_id, status=DecisionStatus.DECIDED
    )
    form = CorrectiveActionForm(request.POST)
    if form.is_valid():
        with refusal_on(form):
            services.action_add(decision=decision, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Corrective action recorded."))
            return redirect("decisions:detail", decision.pk)
    # The decision page again, with the form as typed and what is wrong with it.
    decision = get_visible_decision_or_404(request.user, decision.pk)
    return render(request, "decisions/decision.html", decision_context(request, decision, form), status=400)


@office_only
@require_POST
def action_verify(request: HttpRequest, action_id: uuid.UUID) -> HttpResponse:
    action = get_object_or_404(CorrectiveAction, pk=action_id)
    form = VerifyForm(request.POST)
    if form.is_valid():
        with refusal_as_message(request):
            services.action_verify(action=action, actor=request.user, note=form.cleaned_data["note"])
            messages.success(request, _("Corrective action verified."))
    else:
        messages.error(request, _("Write a verification note."))
    return redirect("decisions:detail", action.decision_id)


@office_only
@require_http_methods(["GET", "POST"])
def appeal_panel(request: HttpRequest, appeal_id: uuid.UUID) -> HttpResponse:
    appeal = get_visible_appeal_or_404(request.user, appeal_id)
    if request.method == "GET":  # a link to the panel (the office's work queue): the appeal page's section
        return redirect(reverse("decisions:appeal", args=[appeal.pk]) + "#panel")
    form = AppealPanelForm(request.POST, candidates=panels.eligible_members(appeal))
    if form.is_valid():
        with refusal_on(form):
            panels.appeal_panel_appoint(appeal=appeal, actor=request.user, members=list(form.cleaned_data["members"]))
            messages.success(request, _("The panel is appointed; its members have been told."))
            return redirect("decisions:appeal", appeal.pk)
    # The appeal page again, with the choice as made and what is wrong with it.
    return render(request, "decisions/appeal.html", appeal_context(request, appeal, form), status=400)


@office_only
@require_POST
def award_change(request: HttpRequest, award_id: uuid.UUID, action: str) -> HttpResponse:
    if action not in AWARD_ACTIONS:
        raise Http404
    award = get_object_or_404(Award, pk=award_id)
    service, done = AWARD_ACTIONS[action]
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A reason is required."))
        return redirect("decisions:award", award.pk)
    with refusal_as_message(request):
        service(award=award, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, done)
    return redirect("decisions:award", award.pk)
