"""Office report pages: the dashboard and the benchmarks. The numbers come from selectors."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import ProgrammeRoleName
from iasios.reports.selectors import dashboard as dashboard_report
from iasios.reports.selectors import office_benchmarks

office_only = programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)


@office_only
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/office_dashboard.html", {"report": dashboard_report.office_dashboard()})


@office_only
@require_GET
def benchmarks(request: HttpRequest) -> HttpResponse:
    report = office_benchmarks.benchmarks_kept(framework_id=request.GET.get("framework", "")[:64])
    return render(request, "reports/benchmarks.html", {"report": report})
