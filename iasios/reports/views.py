"""A facility's benchmark page: its own figures against the anonymised spread of its peers."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from iasios.facilities.access import get_visible_facility_or_404
from iasios.reports.selectors import own_benchmark


@login_required
@require_GET
def facility_benchmark(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The facility's members (and the office) see it; anyone else gets 404."""
    facility = get_visible_facility_or_404(request.user, pk)
    return render(request, "reports/facility_benchmark.html", {"report": own_benchmark.facility_benchmark(facility)})
