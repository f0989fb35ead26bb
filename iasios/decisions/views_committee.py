"""Committee pages (under /committee/, behind staff MFA): the queue, a cycle's file and vote, appeals."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import ProgrammeRoleName
from iasios.applications.models import Cycle
from iasios.core.events import timeline
from iasios.decisions import selectors, services
from iasios.decisions.access import can_hear_appeal, get_visible_appeal_or_404, took_part
from iasios.decisions.forms import AppealDecisionForm, VoteForm
from iasios.decisions.models import AppealStatus, Decision, DecisionStatus

committee_only = programme_role_required(ProgrammeRoleName.COMMITTEE)


def _form_errors(form: VoteForm | AppealDecisionForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


@committee_only
def queue(request: HttpRequest) -> HttpResponse:
    appeals = selectors.appeals_lodged()
    return render(
        request,
        "decisions/committee_queue.html",
        {
            "rows": selectors.committee_queue(request.user),
            "appeals": [(a, not took_part(request.user, a.decision)) for a in appeals],
        },
    )


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
    excluded = request.user.pk in services.excluded_members_for(cycle)
    voting_open = cycle.status == "with_committee"
    initial = (
        {"outcome": mine.outcome, "comment": mine.comment, "conditions": mine.conditions, "areas": mine.areas}
        if mine
        else None
    )
    form = VoteForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not voting_open or excluded:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.vote_cast(cycle=cycle, member=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                cycle.refresh_from_db()
                if cycle.status == "with_committee":
                    messages.success(request, _("Your vote is recorded."))
                else:
                    messages.success(request, _("Your vote is recorded and completes the decision."))
                return redirect("committee:cycle", cycle.pk)
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
            "quorum": selectors.programme_settings_for(cycle).committee_quorum,
            "form": form,
            **selectors.committee_file(cycle),
        },
    )


@committee_only
@require_http_methods(["GET", "POST"])
def appeal_hear(request: HttpRequest, appeal_id: uuid.UUID) -> HttpResponse:
    appeal = get_visible_appeal_or_404(request.user, appeal_id)
    may_hear = can_hear_appeal(request.user, appeal)
    if not may_hear:
        # Members who voted on the decision take no part in its appeal: they may not open it.
        raise PermissionDenied(_("You took part in this decision: its appeal is heard by other members."))
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST":
        if appeal.status != AppealStatus.LODGED:
            raise PermissionDenied
        if form.is_valid():
            services.appeal_decide(
                appeal=appeal,
                member=request.user,
                upheld=form.cleaned_data["result"] == "upheld",
                reasons=form.cleaned_data["reasons"],
            )
            messages.success(request, _("The panel's finding is recorded and the letter sent."))
            return redirect("committee:appeal", appeal.pk)
    detail = selectors.decision_detail(appeal.decision)
    return render(
        request,
        "decisions/committee_appeal.html",
        {"appeal": appeal, "decision": appeal.decision, "form": form, "events": timeline(appeal), **detail},
    )
