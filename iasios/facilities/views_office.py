"""Programme office pages about facilities, mounted under /office/facilities/."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import ProgrammeRoleName
from iasios.billing.selectors import invoices_for_facility
from iasios.core.events import timeline
from iasios.core.exports import export_response
from iasios.core.statemachine import TransitionNotAllowed
from iasios.facilities import selectors, services
from iasios.facilities.countries import COUNTRY_NAMES
from iasios.facilities.forms import ApproveForm, ConfirmForm, HandoverForm, RejectForm
from iasios.facilities.lifecycle import FACILITY_LIFECYCLE
from iasios.facilities.models import Facility, FacilityStatus
from iasios.facilities.tables import facility_table

office_only = programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)
PAGE_SIZE = 25


@office_only
def facility_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.OfficeFilters(
        status=request.GET.get("status", ""),
        country=request.GET.get("country", ""),
        overdue=request.GET.get("overdue") == "1",
        q=request.GET.get("q", "")[:100],
    )
    facilities = selectors.facilities_for_office(filters)
    if (export := export_response(request, facility_table(facilities))) is not None:
        return export
    page = Paginator(facilities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "facilities/office/list.html",
        {
            "page": page,
            "filters": filters,
            "statuses": FacilityStatus.choices,
            "countries": [(c, COUNTRY_NAMES.get(c, c)) for c in selectors.countries_in_use()],
            "querystring": query.urlencode(),
        },
    )


def _detail_context(request: HttpRequest, facility: Facility, **forms: Any) -> dict[str, Any]:
    members = selectors.team(facility)
    available = {t.name for t in FACILITY_LIFECYCLE.available(facility, request.user)}
    return {
        "facility": facility,
        "volumes": list(facility.volumes.all()),
        "volume_total": sum(v.yearly_volume for v in facility.volumes.all()),
        "members": members,
        "join_requests": list(selectors.pending_join_requests(facility)),
        "invitations": list(selectors.pending_invitations(facility)),
        "invoices": list(invoices_for_facility(facility)),
        "events": timeline(facility)[:100],
        "can_confirm": "confirm" in available,
        "can_reject": "reject" in available,
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "handover_form": HandoverForm(members=members),
        "can_manage_team": True,
        "can_handover": len(members) > 1,
        "approve_form": ApproveForm(),
        "country_name": COUNTRY_NAMES.get(facility.country, facility.country),
    }


@office_only
def facility_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    try:
        facility = selectors.facility_detail(pk)
    except Facility.DoesNotExist:
        return render(request, "404.html", status=404)
    return render(request, "facilities/office/detail.html", _detail_context(request, facility))


@office_only
@require_POST
def facility_confirm(request: HttpRequest, pk: Any) -> HttpResponse:
    facility = get_object_or_404(Facility, pk=pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        try:
            services.facility_confirm(facility=facility, actor=request.user, sponsor=form.cleaned_data["sponsor"])
        except (TransitionNotAllowed, ValidationError) as exc:
            messages.error(request, str(exc) if isinstance(exc, TransitionNotAllowed) else " ".join(exc.messages))
        else:
            messages.success(request, _("Registration confirmed; the enrolment invoice is issued."))
            return redirect("office_facilities:detail", pk=facility.pk)
    facility = selectors.facility_detail(pk)
    return render(
        request, "facilities/office/detail.html", _detail_context(request, facility, confirm_form=form), status=400
    )


@office_only
@require_POST
def facility_reject(request: HttpRequest, pk: Any) -> HttpResponse:
    facility = get_object_or_404(Facility, pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.facility_reject(facility=facility, actor=request.user, reason=form.cleaned_data["reason"])
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Registration rejected; the registrant is informed."))
            return redirect("office_facilities:detail", pk=facility.pk)
    facility = selectors.facility_detail(pk)
    return render(
        request, "facilities/office/detail.html", _detail_context(request, facility, reject_form=form), status=400
    )
