"""Public pages, the dashboard, the staff home pages, health and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import ProgrammeRoleName
from iasios.facilities.models import Facility, FacilityStatus
from iasios.standards.selectors import current_framework, current_programme_settings


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"framework": current_framework()})


def about_io(request: HttpRequest) -> HttpResponse:
    return render(request, "core/about_io.html")


def programme(request: HttpRequest) -> HttpResponse:
    return render(request, "core/programme.html", {"settings": current_programme_settings()})


def eligibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/eligibility.html", {"settings": current_programme_settings()})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = request.user.memberships.select_related("facility")  # type: ignore[union-attr]
    return render(request, "core/dashboard.html", {"memberships": memberships})


@programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)
def office_home(request: HttpRequest) -> HttpResponse:
    counts = {row["status"]: row["n"] for row in Facility.objects.status_counts()}
    rows = [(value, label, counts.get(value, 0)) for value, label in FacilityStatus.choices]
    return render(request, "core/office_home.html", {"status_rows": rows, "framework": current_framework()})


@programme_role_required(ProgrammeRoleName.ASSESSOR)
def assessor_home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/assessor_home.html")


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors that touch the database: the error may be the database.
    from django.template import loader

    return HttpResponse(loader.get_template("500.html").render(), status=500)
