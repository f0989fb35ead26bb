"""Public pages, the dashboard and the staff home pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import ProgrammeRoleName
from iasios.facilities.models import Facility, FacilityStatus
from iasios.site import queues
from iasios.site.facility_home import facility_cards
from iasios.site.help import GUIDES
from iasios.standards.selectors import current_framework, current_programme_settings


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "site/home.html", {"framework": current_framework()})


def about_io(request: HttpRequest) -> HttpResponse:
    return render(request, "site/about_io.html")


def programme(request: HttpRequest) -> HttpResponse:
    return render(request, "site/programme.html", {"settings": current_programme_settings()})


def eligibility(request: HttpRequest) -> HttpResponse:
    # The framework names the procedure categories in the reader's language (the settings hold the English).
    framework = current_framework()
    settings = framework.settings if framework else current_programme_settings()
    return render(request, "site/eligibility.html", {"settings": settings, "framework": framework})


def _staff_work(user: Any) -> dict[str, Any]:
    """Each programme role's queue on the dashboard, for the roles the user holds (and may reach)."""
    if not user.is_programme_staff or not user.has_mfa:
        return {}
    work: dict[str, Any] = {}
    if user.has_programme_role(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR):
        work["office"] = [line for line in queues.office_queue() if line.waiting]
    if user.has_programme_role(ProgrammeRoleName.ASSESSOR):
        work["assessor"] = [row for row in queues.assessor_queue(user) if row.active]
    if user.has_programme_role(ProgrammeRoleName.COMMITTEE):
        work["committee"] = queues.committee_work(user)
    return work


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    context = {"cards": facility_cards(request.user), **_staff_work(request.user)}
    return render(request, "site/dashboard.html", context)


@programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)
def office_home(request: HttpRequest) -> HttpResponse:
    counts = {row["status"]: row["n"] for row in Facility.objects.status_counts()}
    rows = [(value, label, counts.get(value, 0)) for value, label in FacilityStatus.choices]
    context = {"queue": queues.office_queue(), "status_rows": rows, "framework": current_framework()}
    return render(request, "site/office_home.html", context)


@programme_role_required(ProgrammeRoleName.ASSESSOR)
def assessor_home(request: HttpRequest) -> HttpResponse:
    return render(request, "site/assessor_home.html", {"rows": queues.assessor_queue(request.user)})


def help_page(request: HttpRequest, role: str) -> HttpResponse:
    """The guide of one role (public: it names states and steps, nothing of anyone's work)."""
    guide = GUIDES.get(role)
    if guide is None:
        raise Http404
    others = [other for other in GUIDES.values() if other.role != role]
    return render(request, "site/help.html", {"guide": guide, "others": others})
