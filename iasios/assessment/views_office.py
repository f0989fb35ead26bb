"""Programme office pages of the assessment, mounted under /office/assessment/ (staff MFA applies).

Triage, the assessor pool, assignment with conflicts, the decision clocks and overdue
requests, the visit, reconciliation, the recommendation and sending it to the committee.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iasios.accounts.access import programme_role_required
from iasios.accounts.models import User
from iasios.accounts.roles import ProgrammeRoleName
from iasios.applications.models import Cycle
from iasios.assessment import selectors, services, tables
from iasios.assessment.forms import AssignForm, OverrideForm, ProfileForm, ReasonForm, ReturnForm, VisitForm
from iasios.assessment.models import AssessorProfile, Assignment, Rating
from iasios.core.events import timeline
from iasios.core.exports import export_response
from iasios.core.statemachine import TransitionNotAllowed
from iasios.facilities.countries import COUNTRY_NAMES

office_only = programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)


def _form_errors(form: Any, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


def _cycle(pk: Any) -> Cycle:
    return get_object_or_404(Cycle.objects.select_related("facility", "framework"), pk=pk)


# ----------------------------------------------------------------------------- triage


@office_only
def triage(request: HttpRequest) -> HttpResponse:
    cycles = selectors.triage_queue()
    if (export := export_response(request, tables.triage_table(cycles))) is not None:
        return export
    return render(request, "assessment/office/triage.html", {"cycles": cycles})


@office_only
def triage_cycle(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = _cycle(cycle_id)
    form = ReturnForm()
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "start":
                services.triage_start_assessment(cycle=cycle, actor=request.user)
                messages.success(request, _("The application is in assessment. Assign two assessors."))
                return redirect("office_assessment:cycle", cycle.pk)
            form = ReturnForm(request.POST)
            if form.is_valid():
                services.triage_return(cycle=cycle, actor=request.user, reason=form.cleaned_data["reason"])
                messages.success(request, _("The dossier was returned to the facility."))
                return redirect("office_assessment:triage")
        except ValidationError as exc:
            _form_errors(form, exc)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        status = 400
    dossier = selectors.latest_dossier(cycle)
    return render(
        request,
        "assessment/office/triage_cycle.html",
        {
            "cycle": cycle,
            "facility": cycle.facility,
            "dossier": dossier,
            "revisions": selectors.dossier_revisions(cycle),
            "form": form,
            "answers": (dossier.snapshot.get("answers", []) if dossier else []),
        },
        status=status,
    )


# ----------------------------------------------------------------------------- assessor pool


@office_only
def assessors(request: HttpRequest) -> HttpResponse:
    profiles = list(selectors.assessor_profiles().order_by("user__name", "user__email"))
    if (export := export_response(request, tables.assessor_table(profiles))) is not None:
        return export
    without = list(
        User.objects.filter(
            programme_role_set__role=ProgrammeRoleName.ASSESSOR, assessor_profile__isnull=True
        ).order_by("name", "email")
    )
    return render(
        request,
        "assessment/office/assessors.html",
        {"profiles": profiles, "without": without, "countries": COUNTRY_NAMES},
    )


def _profile_form(
    request: HttpRequest, cycle_settings: Any, profile: AssessorProfile | None, data: Any = None
) -> ProfileForm:
    users = User.objects.filter(programme_role_set__role=ProgrammeRoleName.ASSESSOR).order_by("name", "email")
    if profile is None:
        users = users.filter(assessor_profile__isnull=True)
    choices = [(str(u.pk), f"{u} <{u.email}>") for u in users]
    categories = list(cycle_settings.procedure_categories) if cycle_settings else []
    initial = {}
    if profile is not None:
        initial = {
            "user": str(profile.user_id),
            "country": profile.country,
            "institution": profile.institution,
            "expertise_categories": profile.expertise_categories,
            "expertise_note": profile.expertise_note,
            "languages": profile.languages,
            "availability": profile.availability,
            "availability_note": profile.availability_note,
        }
    elif request.GET.get("user"):
        initial = {"user": request.GET["user"]}
    form = ProfileForm(data, users=choices, categories=categories, initial=initial)
    if profile is not None:
        form.fields["user"].disabled = True
    return form


@office_only
def assessor_edit(request: HttpRequest, pk: Any = None) -> HttpResponse:
    from iasios.standards.selectors import current_framework

    profile = get_object_or_404(AssessorProfile.objects.select_related("user"), pk=pk) if pk else None
    framework = current_framework()
    settings = framework.settings if framework else None
    form = _profile_form(request, settings, profile)
    status = 200
    if request.method == "POST":
        form = _profile_form(request, settings, profile, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            user = profile.user if profile else User.objects.get(pk=data["user"])
            try:
                services.assessor_profile_save(
                    user=user,
                    actor=request.user,
                    data=services.ProfileInput(
                        country=data["country"],
                        institution=data["institution"],
                        expertise_categories=data["expertise_categories"],
                        expertise_note=data["expertise_note"],
                        languages=data["languages"],
                        availability=data["availability"],
                        availability_note=data["availability_note"],
                    ),
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Assessor profile saved."))
                return redirect("office_assessment:assessors")
        status = 400
    return render(request, "assessment/office/assessor_form.html", {"form": form, "profile": profile}, status=status)


# ----------------------------------------------------------------------------- one cycle's assessment


@office_only
def cycles(request: HttpRequest) -> HttpResponse:
    """Applications in assessment and with the committee: the decision clock of each, overdue requests."""
    now = timezone.now()
    today = timezone.localdate(now)
    clocks = selectors.decision_clocks(now=now)
    overdue = selectors.overdue_requests(today=today)
    export = export_response(request, tables.clock_table(clocks), tables.overdue_request_table(overdue, today))
    if export is not None:
        return export
    return render(
        request,
        "assessment/office/cycles.html",
        {"clocks": clocks, "overdue": overdue, "today": today},
    )


@office_only
def cycle_detail(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = _cycle(cycle_id)
    recommendation = selectors.recommendation_for(cycle)
    return render(
        request,
        "assessment/office/cycle.html",
        {
            "cycle": cycle,
            "facility": cycle.facility,
            "assignments": selectors.cycle_assignments(cycle),
            "clock": selectors.decision_clock(cycle),
            "requests": selectors.requests_of_cycle(cycle),
            "visit": selectors.visit_of(cycle),
            "recommendation": recommendation,
            "withdraw_form": ReasonForm(),
            "events": timeline(cycle)[:15],
            "limit": selectors.assessors_per_cycle(cycle),
        },
    )


@office_only
def assign(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = _cycle(cycle_id)
    candidates = selectors.assignment_candidates(cycle)
    form = AssignForm()
    cast(Any, form.fields["assessor"]).choices = [(str(c.profile.user_id), str(c.profile.user)) for c in candidates]
    status = 200
    if request.method == "POST":
        form = AssignForm(request.POST)
        cast(Any, form.fields["assessor"]).choices = [(str(c.profile.user_id), str(c.profile.user)) for c in candidates]
        if form.is_valid():
            assessor = User.objects.get(pk=form.cleaned_data["assessor"])
            try:
                services.assignment_create(cycle=cycle, assessor=assessor, actor=request.user)
            except ValidationError as exc:
                _form_errors(form, exc)
            except TransitionNotAllowed as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(name)s has been asked to assess this application.") % {"name": assessor})
                return redirect("office_assessment:cycle", cycle.pk)
        status = 400
    active = selectors.active_assignments(cycle)
    return render(
        request,
        "assessment/office/assign.html",
        {
            "cycle": cycle,
            "facility": cycle.facility,
            "candidates": candidates,
            "form": form,
            "active": active,
            "limit": selectors.assessors_per_cycle(cycle),
            "countries": COUNTRY_NAMES,
        },
        status=status,
    )


@require_POST
@office_only
def withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    assignment = get_object_or_404(Assignment.objects.select_related("cycle"), pk=pk)
    form = ReasonForm(request.POST)
    try:
        services.assignment_withdraw(
            assignment=assignment, actor=request.user, reason=form.data.get("reason", "") if form.is_bound else ""
        )
    except (ValidationError, TransitionNotAllowed) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Assignment withdrawn."))
    return redirect("office_assessment:cycle", assignment.cycle_id)


@office_only
def visit_edit(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = _cycle(cycle_id)
    visit = selectors.visit_of(cycle)
    initial = (
        {
            "kind": visit.kind,
            "starts_on": visit.starts_on,
            "ends_on": visit.ends_on,
            "visitors": visit.visitors,
            "agenda": visit.agenda,
        }
        if visit
        else {}
    )
    form = VisitForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                services.visit_save(cycle=cycle, actor=request.user, data=services.VisitInput(**form.cleaned_data))
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Visit saved."))
                return redirect("assessment:visit", cycle.pk)
        status = 400
    return render(
        request,
        "assessment/office/visit_form.html",
        {"cycle": cycle, "facility": cycle.facility, "form": form, "visit": visit},
        status=status,
    )


# ----------------------------------------------------------------------------- reconciliation


@office_only
def reconcile(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = _cycle(cycle_id)
    status = 200
    errors: dict[str, Any] = {}
    if request.method == "POST":
        recon = selectors.reconciliation(cycle)
        values = {
            row.requirement.pk: (
                request.POST.get(f"rating_{row.requirement.pk}", ""),
                request.POST.get(f"note_{row.requirement.pk}", ""),
            )
            for row in recon.rows
        }
        try:
            saved = services.consolidated_ratings_record(cycle=cycle, actor=request.user, ratings=values)
        except ValidationError as exc:
            errors = exc.message_dict
            status = 400
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            status = 400
        else:
            messages.success(request, _("%(n)d consolidated rating(s) recorded.") % {"n": len(saved)})
            return redirect("office_assessment:reconcile", cycle.pk)
    recon = selectors.reconciliation(cycle)
    recommendation = selectors.recommendation_for(cycle)
    override_form = OverrideForm(initial={"outcome": recommendation.outcome, "reason": recommendation.override_reason})
    return render(
        request,
        "assessment/office/reconcile.html",
        {
            "cycle": cycle,
            "facility": cycle.facility,
            "recon": recon,
            "ratings": Rating.choices,
            "errors": errors,
            "recommendation": recommendation,
            "override_form": override_form,
        },
        status=status,
    )


@require_POST
@office_only
def recommendation(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = _cycle(cycle_id)
    if request.POST.get("action") == "send":
        try:
            services.send_to_committee(cycle=cycle, actor=request.user)
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The recommendation has been sent to the committee."))
            return redirect("office_assessment:cycle", cycle.pk)
        return redirect("office_assessment:reconcile", cycle.pk)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_override(
                cycle=cycle,
                actor=request.user,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Recommendation saved."))
    else:
        messages.error(request, _("Choose an outcome."))
    return redirect("office_assessment:reconcile", cycle.pk)
