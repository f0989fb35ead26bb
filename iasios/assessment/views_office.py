"""Programme office pages of the assessment, mounted under /office/assessment/ (staff MFA applies).

The triage queue, the assessor pool, assignment with conflicts, the decision clocks and overdue
requests, the visit. The pages that move the cycle or show the recommendation (a triaged dossier,
a cycle's assessment, reconciliation, the hand-over to the committee) are the cycles app's
(`iasios.cycles.views_committee`), under the same URLs.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
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
from iasios.assessment.forms import AssignForm, ProfileForm, VisitForm
from iasios.assessment.models import AssessorProfile, Assignment
from iasios.core.exports import export_response
from iasios.core.refusals import refusal_as_message, refusal_on
from iasios.facilities.countries import COUNTRY_NAMES
from iasios.standards.selectors import current_framework

office_only = programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)


def _cycle(pk: Any) -> Cycle:
    return get_object_or_404(Cycle.objects.select_related("facility", "framework"), pk=pk)


# ----------------------------------------------------------------------------- triage


@office_only
def triage(request: HttpRequest) -> HttpResponse:
    cycles = selectors.triage_queue()
    if (export := export_response(request, tables.triage_table(cycles))) is not None:
        return export
    return render(request, "assessment/office/triage.html", {"cycles": cycles})


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
        {"profiles": profiles, "without": without, "countries": COUNTRY_NAMES, "categories": _categories()},
    )


def _categories() -> list[tuple[str, str]]:
    """The procedure categories (code, label) of the standards in use, to name an expertise."""
    framework = current_framework()
    return list(framework.settings.procedure_categories) if framework else []


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
            with refusal_on(form):
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
            with refusal_on(form):
                services.assignment_create(cycle=cycle, assessor=assessor, actor=request.user)
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
            "categories": list(cycle.framework.settings.procedure_categories),
        },
        status=status,
    )


@require_POST
@office_only
def withdraw(request: HttpRequest, pk: Any) -> HttpResponse:
    assignment = get_object_or_404(Assignment.objects.select_related("cycle"), pk=pk)
    with refusal_as_message(request):
        services.assignment_withdraw(assignment=assignment, actor=request.user, reason=request.POST.get("reason", ""))
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
            with refusal_on(form):
                services.visit_save(cycle=cycle, actor=request.user, data=services.VisitInput(**form.cleaned_data))
                messages.success(request, _("Visit saved."))
                return redirect("assessment:visit", cycle.pk)
        status = 400
    return render(
        request,
        "assessment/office/visit_form.html",
        {"cycle": cycle, "facility": cycle.facility, "form": form, "visit": visit},
        status=status,
    )
