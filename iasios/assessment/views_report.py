"""The assessor report download, for the assessor of the assignment and the office."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from iasios.assessment import access
from iasios.assessment.report import assessor_report, assessor_report_pdf
from iasios.core.pdf import pdf_response


@require_GET
@login_required
def assessor_report_download(request: HttpRequest, pk: Any) -> HttpResponse:
    assignment = access.get_own_assignment_or_404(request.user, pk)
    if not access.can_download_assessor_report(request.user, assignment):
        raise PermissionDenied
    report = assessor_report(assignment)
    name = slugify(f"{assignment.cycle.facility.name} {assignment.assessor}")[:60] or "assessment"
    return pdf_response(assessor_report_pdf(report), f"assessor-report-{name}-{report.generated_at:%Y-%m-%d}.pdf")
