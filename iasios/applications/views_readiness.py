"""The readiness report download: the facility's members and the office."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from iasios.applications.access import get_visible_cycle_or_404
from iasios.cycles.readiness import readiness_report, readiness_report_pdf
from iasios.core.pdf import pdf_response
from iasios.facilities.access import can_view_facility


@require_GET
@login_required
def readiness_report_download(request: HttpRequest, cycle_id: Any) -> HttpResponse:
    cycle = get_visible_cycle_or_404(request.user, cycle_id)
    # An assessor may see a cycle they assess; its preparation is the facility's and the office's.
    if not can_view_facility(request.user, cycle.facility):
        raise PermissionDenied
    report = readiness_report(cycle)
    name = slugify(cycle.facility.name)[:60] or "facility"
    return pdf_response(readiness_report_pdf(report), f"readiness-{name}-{report.generated_at:%Y-%m-%d}.pdf")
