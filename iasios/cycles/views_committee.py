"""The pages where the cycle changes hands between the office, the assessors and the committee.

They live here, above the assessment and decisions apps, because each moves a cycle or shows the
recommendation (which needs an award fact). URLs and names are unchanged:

- the office, under /office/assessment/ (namespace `office_assessment`): a submitted dossier's
  triage (start the assessment or return it), a cycle's assessment, reconciliation and the
  recommendation, the hand-over to the committee;
- the committee, under /committee/ (namespace `committee`): a cycle's file and the vote, the
  hearing of an appeal.

Buttons come from the cycle's lifecycle (`may_take`); the services refuse, and the refusal is
shown on the form or as a message.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import APPEAL_PANEL_ROLES, ProgrammeRoleName
from iasios.applications.models import Cycle, CycleStatus
from iasios.assessment import selectors as assessment_selectors
from iasios.assessment import services as assessment_services
from iasios.assessment.forms import OverrideForm, ReasonForm, ReturnForm
from iasios.assessment.lifecycle import ASSIGNMENT_LIFECYCLE
from iasios.assessment.models import Rating
from iasios.assessment.summary import RatedRow, ratings_summary
from iasios.core.events import timeline
from iasios.core.refusals import refusal_as_message, refusal_on
from iasios.cycles import committee
from iasios.cycles.forms import CommitteeVoteForm
from iasios.cycles.lifecycle import may_take
from iasios.cycles.services import cycle_return, cycle_send_to_committee, cycle_start_assessment
from iasios.decisions import selectors as decision_selectors
from iasios.decisions.access import get_visible_appeal_or_404, hearing_refusal
from iasios.decisions.forms import AppealDecisionForm
from iasios.decisions.lifecycle import APPEAL_LIFECYCLE
from iasios.decisions.models import AppealStatus, Decision, DecisionStatus

office_only = programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)
committee_only = programme_role_required(ProgrammeRoleName.COMMITTEE)
appeal_panel_only = programme_role_required(*APPEAL_PANEL_ROLES)


def _cycle(pk: Any) -> Cycle:
    return get_object_or_404(Cycle.objects.select_related("facility", "framework"), pk=pk)


# ----------------------------------------------------------------------------- the office


@office_only
def triage_cycle(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = _cycle(cycle_id)
    form = ReturnForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "start":
            with refusal_as_message(request):
                cycle_start_assessment(cycle=cycle, actor=request.user)
                messages.success(request, _("The application is in assessment. Assign two assessors."))
                return redirect("office_assessment:cycle", cycle.pk)
        else:
            form = ReturnForm(request.POST)
            if form.is_valid():
                with refusal_on(form):
                    cycle_return(cycle=cycle, actor=request.user, reason=form.cleaned_data["reason"])
                    messages.success(request, _("The dossier was returned to the facility."))
                    return redirect("office_assessment:triage")
        status = 400
    dossier = assessment_selectors.latest_dossier(cycle)
    return render(
        request,
        "assessment/office/triage_cycle.html",
        {
            "cycle": cycle,
            "facility": cycle.facility,
            "dossier": dossier,
            "revisions": assessment_selectors.dossier_revisions(cycle),
            "form": form,
            "answers": (dossier.snapshot.get("answers", []) if dossier else []),
            "may_start": may_take("start_assessment", cycle, request.user),
            "may_return": may_take("return", cycle, request.user),
        },
        status=status,
    )


@office_only
def cycle_detail(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = _cycle(cycle_id)
    assignments = assessment_selectors.cycle_assignments(cycle)
    return render(
        request,
        "assessment/office/cycle.html",
        {
            "cycle": cycle,
            "facility": cycle.facility,
            "assignments": assignments,
            "withdrawable": {
                a.pk
                for a in assignments
                if any(t.name == "withdraw" for t in ASSIGNMENT_LIFECYCLE.available(a, request.user))
            },
            # Assessors are assigned while the application is in assessment (assessment_services.assignment_create).
            "may_assign": cycle.status == CycleStatus.IN_ASSESSMENT,
            "clock": assessment_selectors.decision_clock(cycle),
            "requests": assessment_selectors.requests_of_cycle(cycle),
            "visit": assessment_selectors.visit_of(cycle),
            "recommendation": decision_selectors.recommendation_for(cycle),
            "withdraw_form": ReasonForm(),
            "events": timeline(cycle),
            "limit": assessment_selectors.assessors_per_cycle(cycle),
        },
    )


@office_only
def reconcile(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = _cycle(cycle_id)
    status = 200
    # The table's inputs are read below; a refusal of the service is shown above the table.
    refusals = forms.Form(request.POST or {})
    if request.method == "POST":
        recon = assessment_selectors.reconciliation(cycle)
        values = {
            row.requirement.pk: (
                request.POST.get(f"rating_{row.requirement.pk}", ""),
                request.POST.get(f"note_{row.requirement.pk}", ""),
            )
            for row in recon.rows
        }
        with refusal_on(refusals):
            saved = assessment_services.consolidated_ratings_record(cycle=cycle, actor=request.user, ratings=values)
            messages.success(
                request,
                ngettext("%(n)d consolidated rating recorded.", "%(n)d consolidated ratings recorded.", len(saved))
                % {"n": len(saved)},
            )
            return redirect("office_assessment:reconcile", cycle.pk)
        status = 400
    recon = assessment_selectors.reconciliation(cycle)
    recommendation = decision_selectors.recommendation_for(cycle)
    override_form = OverrideForm(
        initial={"outcome": recommendation.outcome, "reason": recommendation.override_reason},
        outcomes=decision_selectors.allowed_outcomes(cycle),
    )
    may_send = may_take("send_to_committee", cycle, request.user)
    visit = assessment_selectors.visit_of(cycle)
    findings = assessment_selectors.visit_findings(visit) if visit is not None else []
    return render(
        request,
        "assessment/office/reconcile.html",
        {
            "visit": visit,
            "visit_findings": findings,
            "finding_requirements": {f.requirement_id for f in findings},
            "cycle": cycle,
            "facility": cycle.facility,
            "recon": recon,
            "ratings": Rating.choices,
            "refusals": refusals,
            "recommendation": recommendation,
            "override_form": override_form,
            "may_send": may_send,
            # In assessment but not ready: the button is shown disabled, with what it waits for.
            "send_waits": not may_send and cycle.status == CycleStatus.IN_ASSESSMENT,
        },
        status=status,
    )


@require_POST
@office_only
def recommendation(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = _cycle(cycle_id)
    if request.POST.get("action") == "send":
        with refusal_as_message(request):
            cycle_send_to_committee(cycle=cycle, actor=request.user)
            messages.success(request, _("The recommendation has been sent to the committee."))
            return redirect("office_assessment:cycle", cycle.pk)
        return redirect("office_assessment:reconcile", cycle.pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        with refusal_as_message(request):
            assessment_services.outcome_override(
                cycle=cycle,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                accredited_award_in_force=decision_selectors.award_in_force(cycle.facility) is not None,
            )
            messages.success(request, _("Recommendation saved."))
    else:
        messages.error(request, _("Choose an outcome."))
    return redirect("office_assessment:reconcile", cycle.pk)


# ----------------------------------------------------------------------------- the committee


@committee_only
@require_http_methods(["GET", "POST"])
def cycle_file(request: HttpRequest, cycle_id: uuid.UUID) -> HttpResponse:
    cycle = Cycle.objects.select_related("facility", "framework").filter(pk=cycle_id).first()
    if cycle is None:
        raise Http404
    decision = (
        Decision.objects.filter(cycle=cycle, status=DecisionStatus.VOTING)
        .prefetch_related("votes__member", "excluded_members")
        .first()
    )
    votes = list(decision.votes.all()) if decision else []
    mine = next((v for v in votes if v.member_id == request.user.pk), None)
    excluded = request.user.pk in decision_selectors.excluded_members_for(cycle)
    voting_open = cycle.status == CycleStatus.WITH_COMMITTEE
    initial = (
        {"outcome": mine.outcome, "comment": mine.comment, "conditions": mine.conditions, "areas": mine.areas}
        if mine
        else None
    )
    file = decision_selectors.committee_file(cycle)
    form = CommitteeVoteForm(
        request.POST or None,
        initial=initial,
        outcomes=decision_selectors.allowed_outcomes(cycle),
        cycle=cycle,
        flagged=file["recommendation"].flagged_requirement_ids,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusal_on(form):
                committee.vote_cast(cycle=cycle, member=request.user, **form.cleaned_data)
                cycle.refresh_from_db()
                if cycle.status == CycleStatus.WITH_COMMITTEE:
                    messages.success(request, _("Your vote is recorded."))
                else:
                    messages.success(request, _("Your vote is recorded and completes the decision."))
                return redirect("committee:cycle", cycle.pk)
        status = 400
    return render(
        request,
        "decisions/committee_cycle.html",
        {
            "cycle": cycle,
            "decision": decision,
            "votes": votes,
            "my_vote": mine,
            "excluded": excluded,
            "voting_open": voting_open,
            "quorum": decision_selectors.programme_settings_for(cycle).committee_quorum,
            "form": form,
            # Why Centre of Excellence is not among the choices, when it is not.
            "excellence_refusal": decision_selectors.centre_of_excellence_refusal(cycle),
            **file,
            **_ratings_in_brief(cycle, file["rows"], disagreements_only=request.GET.get("ratings") == "disagreements"),
        },
        status=status,
    )


def _ratings_in_brief(cycle: Cycle, rows: list[Any], *, disagreements_only: bool) -> dict[str, Any]:
    """The ratings' summary (per section, disagreements first) and the rows shown: all, or only
    those where the assessors disagree."""
    summary = ratings_summary(
        cycle.framework_id, [RatedRow(r.requirement, r.consolidated, [a[1] for a in r.assessors]) for r in rows]
    )
    if disagreements_only:
        rows = [r for r in rows if r.requirement.pk in summary.disagreement_ids]
    return {"summary": summary, "rows": rows, "disagreements_only": disagreements_only}


@appeal_panel_only
@require_http_methods(["GET", "POST"])
def appeal_hear(request: HttpRequest, appeal_id: uuid.UUID) -> HttpResponse:
    appeal = get_visible_appeal_or_404(request.user, appeal_id)
    # A member who may not hear it (a voter, or not on the appointed panel) reads the appeal and why.
    refusal = hearing_refusal(request.user, appeal)
    if refusal is not None and request.method == "POST":
        raise PermissionDenied(refusal)
    form = AppealDecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            with refusal_on(form):
                committee.appeal_decide(
                    appeal=appeal,
                    member=request.user,
                    upheld=form.cleaned_data["result"] == AppealStatus.UPHELD,
                    reasons=form.cleaned_data["reasons"],
                )
                messages.success(request, _("The panel's finding is recorded and the letter sent."))
                return redirect("committee:appeal", appeal.pk)
        status = 400
    detail = decision_selectors.decision_detail(appeal.decision)
    return render(
        request,
        "decisions/committee_appeal.html",
        {
            "appeal": appeal,
            "decision": appeal.decision,
            "form": form,
            "may_decide": bool(APPEAL_LIFECYCLE.available(appeal, request.user)),
            "hearing_refusal": refusal,
            "events": timeline(appeal),
            **detail,
        },
        status=status,
    )
