"""Office report pages: the dashboard and the benchmarks. The numbers come from selectors."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import ProgrammeRoleName
from iasios.reports.selectors import dashboard as dashboard_report
from iasios.reports.selectors import office_benchmarks

office_only = programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)

# The kept dashboard changes with its data at once (its key is the data's version); this bounds
# how long its times (days in a state, the decision clocks, "Figures as of") may lag the clock.
DASHBOARD_CACHE_SECONDS = 300


def dashboard_body() -> SafeString:
    """The dashboard's sections, rendered once per version of the data they are drawn from
    (`dashboard_version`), language, time zone and day, for at most DASHBOARD_CACHE_SECONDS.
    Nothing in them depends on who looks: the page is for the office alone, and has no form."""
    key = ":".join(
        (
            "office-dashboard",
            dashboard_report.dashboard_version(),
            get_language() or "",
            timezone.get_current_timezone_name(),
            timezone.localdate().isoformat(),
        )
    )
    body: SafeString | None = cache.get(key)
    if body is None:
        report = dashboard_report.office_dashboard()
        body = render_to_string("reports/_office_dashboard_body.html", {"report": report})
        cache.set(key, body, DASHBOARD_CACHE_SECONDS)
    return body  # a SafeString from the template (the cache keeps its type)


@office_only
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/office_dashboard.html", {"body": dashboard_body()})


@office_only
@require_GET
def benchmarks(request: HttpRequest) -> HttpResponse:
    report = office_benchmarks.benchmarks_kept(framework_id=request.GET.get("framework", "")[:64])
    return render(request, "reports/benchmarks.html", {"report": report})
