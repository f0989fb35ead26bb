"""Public pages, the dashboard and the staff home pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import ProgrammeRoleName
from iasios.facilities.models import Facility, FacilityStatus
from iasios.standards.selectors import current_framework, current_programme_settings


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "site/home.html", {"framework": current_framework()})


def about_io(request: HttpRequest) -> HttpResponse:
    return render(request, "site/about_io.html")


def programme(request: HttpRequest) -> HttpResponse:
    return render(request, "site/programme.html", {"settings": current_programme_settings()})


def eligibility(request: HttpRequest) -> HttpResponse:
    return render(request, "site/eligibility.html", {"settings": current_programme_settings()})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("facility")  # type: ignore[union-attr]
    return render(request, "site/dashboard.html", {"memberships": memberships})


@programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)
def office_home(request: HttpRequest) -> HttpResponse:
    counts = {row["status"]: row["n"] for row in Facility.objects.status_counts()}
    rows = [(value, label, counts.get(value, 0)) for value, label in FacilityStatus.choices]
    return render(request, "site/office_home.html", {"status_rows": rows, "framework": current_framework()})


@programme_role_required(ProgrammeRoleName.ASSESSOR)
def assessor_home(request: HttpRequest) -> HttpResponse:
    return render(request, "site/assessor_home.html")
