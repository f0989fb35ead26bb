"""The programme office's facility pages, mounted under /office/facilities/.

They stand in billing, above facilities, because they show the facility's invoices, filter on
overdue ones, and confirming a registration issues the enrolment invoice
(`services.enrolment_confirm`). The decision buttons come from the facility lifecycle's
`available()`; the services refuse by the same rule.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from iasios.accounts.access import programme_role_required
from iasios.accounts.roles import ProgrammeRoleName
from iasios.billing import selectors as billing_selectors
from iasios.billing import services
from iasios.billing.views_office import mark_payable
from iasios.core.events import timeline
from iasios.core.exports import export_response
from iasios.core.refusals import refusal_on
from iasios.facilities import selectors
from iasios.facilities import services as facility_services
from iasios.facilities.countries import COUNTRY_NAMES
from iasios.facilities.forms import ConfirmForm, RejectForm
from iasios.facilities.lifecycle import FACILITY_LIFECYCLE
from iasios.facilities.models import Facility, FacilityStatus
from iasios.facilities.tables import facility_table
from iasios.facilities.views import team_context
from iasios.standards.selectors import current_framework

office_only = programme_role_required(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)
PAGE_SIZE = 25
DETAIL = "billing/office/facility_detail.html"


@office_only
def facility_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.OfficeFilters(
        status=request.GET.get("status", ""),
        country=request.GET.get("country", ""),
        q=request.GET.get("q", "")[:100],
    )
    overdue = request.GET.get("overdue") == "1"
    among = billing_selectors.facility_ids_with_overdue_invoices() if overdue else None
    facilities = selectors.facilities_for_office(filters, among=among)
    if (export := export_response(request, facility_table(facilities))) is not None:
        return export
    page = Paginator(facilities, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "billing/office/facility_list.html",
        {
            "page": page,
            "filters": filters,
            "overdue": overdue,
            "statuses": FacilityStatus.choices,
            "countries": [(c, COUNTRY_NAMES.get(c, c)) for c in selectors.countries_in_use()],
            "querystring": query.urlencode(),
        },
    )


def _detail_context(request: HttpRequest, facility: Facility, **forms: Any) -> dict[str, Any]:
    available = {t.name for t in FACILITY_LIFECYCLE.available(facility, request.user)}
    return {
        "facility": facility,
        "volumes": list(facility.volumes.all()),
        # The categories' labels in the reader's language (the stored label is the English of then).
        "framework": current_framework(),
        "volume_total": sum(v.yearly_volume for v in facility.volumes.all()),
        **team_context(request.user, facility),
        "invoices": mark_payable(request.user, billing_selectors.invoices_for_facility(facility)),
        "events": timeline(facility)[:100],
        "can_confirm": "confirm" in available,
        "can_reject": "reject" in available,
        "confirm_form": forms.get("confirm_form") or ConfirmForm(),
        "reject_form": forms.get("reject_form") or RejectForm(),
        "country_name": COUNTRY_NAMES.get(facility.country, facility.country),
    }


def _detail(pk: Any) -> Facility:
    try:
        return selectors.facility_detail(pk)
    except Facility.DoesNotExist as exc:
        raise Http404 from exc


@office_only
def facility_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    return render(request, DETAIL, _detail_context(request, _detail(pk)))


@office_only
@require_POST
def facility_confirm(request: HttpRequest, pk: Any) -> HttpResponse:
    facility = get_object_or_404(Facility, pk=pk)
    form = ConfirmForm(request.POST)
    if form.is_valid():
        with refusal_on(form):
            services.enrolment_confirm(facility=facility, actor=request.user, sponsor=form.cleaned_data["sponsor"])
            messages.success(request, _("Registration confirmed; the enrolment invoice is issued."))
            return redirect("office_facilities:detail", pk=facility.pk)
    return render(request, DETAIL, _detail_context(request, _detail(pk), confirm_form=form), status=400)


@office_only
@require_POST
def facility_reject(request: HttpRequest, pk: Any) -> HttpResponse:
    facility = get_object_or_404(Facility, pk=pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        with refusal_on(form):
            facility_services.facility_reject(facility=facility, actor=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Registration rejected; the registrant is informed."))
            return redirect("office_facilities:detail", pk=facility.pk)
    return render(request, DETAIL, _detail_context(request, _detail(pk), reject_form=form), status=400)
