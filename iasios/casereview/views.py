"""Pages of the internal case review. Thin: access checks, forms, then services and selectors."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from iasios.applications.access import can_edit_cycle, can_view_cycle
from iasios.applications.models import Cycle
from iasios.casereview import selectors


def _cycle(user: Any, cycle_id: UUID) -> Cycle:
    cycle = Cycle.objects.select_related("facility", "framework").filter(pk=cycle_id).first()
    if cycle is None or not can_view_cycle(user, cycle):
        raise Http404
    return cycle


@login_required
def cycle_page(request: HttpRequest, cycle_id: UUID) -> HttpResponse:
    cycle = _cycle(request.user, cycle_id)
    return render(
        request,
        "casereview/cycle.html",
        {
            "cycle": cycle,
            "status": selectors.case_review_status(cycle),
            "can_edit": can_edit_cycle(request.user, cycle),
        },
    )
