"""Facility-side billing pages: invoices, invoice and credit note PDFs, consultations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from iasios.billing import access, pdf, selectors, services
from iasios.billing.forms import ConsultationRequestForm
from iasios.billing.issuer import payment_instructions
from iasios.billing.models import CreditNote, Invoice
from iasios.core.documents import document_response
from iasios.core.events import timeline
from iasios.core.pdf import pdf_response
from iasios.core.refusals import refusal_on
from iasios.facilities.access import is_office
from iasios.facilities.models import Facility


def _invoice_or_404(pk: object) -> Invoice:
    try:
        return selectors.invoice_detail(pk)
    except Invoice.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def facility_invoices(request: HttpRequest, facility_id: str) -> HttpResponse:
    facility = get_object_or_404(Facility, pk=facility_id)
    if not access.can_view_billing(request.user, facility):
        raise PermissionDenied
    return render(
        request,
        "billing/facility_invoices.html",
        {
            "facility": facility,
            "invoices": selectors.invoices_for_facility(facility),
            "can_request_consultation": access.can_request_consultation(request.user, facility),
        },
    )


@login_required
def invoice_detail(request: HttpRequest, pk: str) -> HttpResponse:
    invoice = _invoice_or_404(pk)
    if not access.can_view_invoice(request.user, invoice):
        raise PermissionDenied
    return render(
        request,
        "billing/invoice_detail.html",
        {
            "invoice": invoice,
            "credit_note": getattr(invoice, "credit_note", None),
            "events": timeline(invoice),
            "is_office": is_office(request.user),
            "pay": payment_instructions(invoice),
        },
    )


@login_required
def invoice_pdf(request: HttpRequest, pk: str) -> HttpResponseBase:
    invoice = _invoice_or_404(pk)
    if not access.can_view_invoice(request.user, invoice):
        raise PermissionDenied
    return document_response(pdf.invoice_document(invoice))


@login_required
def credit_note_pdf(request: HttpRequest, pk: str) -> HttpResponse:
    try:
        note = selectors.credit_note_detail(pk)
    except CreditNote.DoesNotExist as exc:
        raise Http404 from exc
    if not access.can_view_invoice(request.user, note.invoice):
        raise PermissionDenied
    return pdf_response(pdf.credit_note_pdf(note), f"credit-note-{note.number}.pdf")


@login_required
def consultations(request: HttpRequest, facility_id: str) -> HttpResponse:
    facility = get_object_or_404(Facility, pk=facility_id)
    if not access.can_view_billing(request.user, facility):
        raise PermissionDenied
    may_request = access.can_request_consultation(request.user, facility)
    form = ConsultationRequestForm(request.POST or None)
    if request.method == "POST":
        if not may_request:
            raise PermissionDenied
        if form.is_valid():
            with refusal_on(form):
                services.consultation_request(facility=facility, actor=request.user, **form.cleaned_data)
                messages.success(request, _("Your consultation request was sent to the programme office."))
                return redirect("billing:consultations", facility_id=facility.pk)
    return render(
        request,
        "billing/consultations.html",
        {
            "facility": facility,
            "consultations": selectors.consultations_for_facility(facility),
            "form": form if may_request else None,
            "fee": _consultation_fee(),
        },
    )


def _consultation_fee() -> str:
    from iasios.standards.selectors import NoCurrentFramework, current_programme_settings

    try:
        fees = current_programme_settings().fees
    except NoCurrentFramework:
        return ""
    return f"{fees.consultation_fee} {fees.currency}"
