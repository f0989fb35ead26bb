"""Billing through the API: a facility's invoices, one invoice, and the office's payment and credit note.

Same services and access rules as the pages (iasios.billing.services / .access); the services'
refusals are mapped by the API's one handler (403 who may not, 422 the data or a closed invoice).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja.responses import Status

from iasios.api.api import ErrorOut
from iasios.billing import access, selectors, services
from iasios.billing.models import Invoice, InvoiceKind, InvoiceStatus
from iasios.facilities.models import Facility

router = Router(tags=["billing"])


class InvoiceLineOut(Schema):
    description: str
    amount: Decimal


class PaymentOut(Schema):
    id: UUID
    amount: Decimal = Field(description="In the invoice's currency.")
    paid_on: date
    reference: str


class CreditNoteOut(Schema):
    id: UUID
    number: str = Field(description="Gapless per year, e.g. CN-2026-00001.")
    issued_on: date
    amount: Decimal
    currency: str
    reason: str
    pdf_url: str


class InvoiceOut(Schema):
    id: UUID
    facility_id: UUID
    number: str = Field(description="Gapless per year, e.g. 2026-00001.")
    kind: str = Field(description=", ".join(InvoiceKind.values) + ".")
    status: str = Field(description=", ".join(InvoiceStatus.values) + " (the stored state).")
    display_status: str = Field(description="As shown to people; includes “Partially paid”.")
    issued_on: date
    due_on: date
    currency: str = Field(description="ISO 4217 code.")
    total: Decimal
    paid: Decimal
    balance: Decimal
    payer_kind: str = Field(description="facility or sponsor.")
    payer_name: str
    period_start: date | None = None
    period_end: date | None = None
    overdue: bool
    pdf_url: str


class InvoiceDetailOut(InvoiceOut):
    lines: list[InvoiceLineOut]
    payments: list[PaymentOut]
    credit_note: CreditNoteOut | None = None


class PaymentIn(Schema):
    amount: Decimal = Field(gt=0, max_digits=12, decimal_places=2, description="At most the open balance.")
    paid_on: date
    reference: str = Field(min_length=1, max_length=120)


class CreditNoteIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


def _credit_note(note: Any) -> dict[str, Any]:
    return {
        "id": note.pk,
        "number": note.number,
        "issued_on": note.issued_on,
        "amount": note.amount,
        "currency": note.currency,
        "reason": note.reason,
        "pdf_url": reverse("billing:credit_note_pdf", args=[note.pk]),
    }


def _invoice(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "facility_id": invoice.facility_id,
        "number": invoice.number,
        "kind": invoice.kind,
        "status": invoice.status,
        "display_status": invoice.display_status,
        "issued_on": invoice.issued_on,
        "due_on": invoice.due_on,
        "currency": invoice.currency,
        "total": invoice.total,
        "paid": invoice.paid,
        "balance": invoice.balance,
        "payer_kind": invoice.payer_kind,
        "payer_name": invoice.payer_name,
        "period_start": invoice.period_start,
        "period_end": invoice.period_end,
        "overdue": invoice.is_overdue(),
        "pdf_url": reverse("billing:invoice_pdf", args=[invoice.pk]),
    }


def _invoice_detail(invoice: Invoice) -> dict[str, Any]:
    note = getattr(invoice, "credit_note", None)
    return {
        **_invoice(invoice),
        "lines": [{"description": line.description, "amount": line.amount} for line in invoice.lines.all()],
        "payments": [
            {"id": p.pk, "amount": p.amount, "paid_on": p.paid_on, "reference": p.reference}
            for p in invoice.payments.all()
        ],
        "credit_note": _credit_note(note) if note else None,
    }


def _load(invoice_id: UUID) -> Invoice:
    try:
        return selectors.invoice_detail(invoice_id)
    except Invoice.DoesNotExist as exc:
        raise Http404 from exc


ERRORS = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.get(
    "/facilities/{facility_id}/invoices",
    response={200: list[InvoiceOut], **ERRORS},
    summary="A facility's invoices",
    description="Newest first. For the facility's authorised representative and contact person, and the office.",
)
def facility_invoices(request: HttpRequest, facility_id: UUID) -> list[dict[str, Any]]:
    facility = get_object_or_404(Facility, pk=facility_id)
    if not access.can_view_billing(request.user, facility):
        raise PermissionDenied
    return [_invoice(i) for i in selectors.invoices_for_facility(facility)]


@router.get("/invoices/{invoice_id}", response={200: InvoiceDetailOut, **ERRORS}, summary="One invoice")
def invoice_detail(request: HttpRequest, invoice_id: UUID) -> dict[str, Any]:
    invoice = _load(invoice_id)
    if not access.can_view_invoice(request.user, invoice):
        raise PermissionDenied
    return _invoice_detail(invoice)


@router.post(
    "/invoices/{invoice_id}/payments",
    response={201: InvoiceDetailOut, **ERRORS, 422: ErrorOut},
    summary="Record a payment (office)",
    description="Partial payments are allowed; more than the open balance is refused (422). "
    "Full payment settles the invoice (and enrols the facility, for an enrolment invoice).",
)
def payment_record(request: HttpRequest, invoice_id: UUID, payload: PaymentIn) -> Status[dict[str, Any]]:
    invoice = _load(invoice_id)
    services.payment_record(invoice=invoice, actor=request.user, **payload.dict())
    return Status(201, _invoice_detail(_load(invoice_id)))


@router.post(
    "/invoices/{invoice_id}/credit-note",
    response={201: CreditNoteOut, **ERRORS, 422: ErrorOut},
    summary="Cancel an invoice with a credit note (office)",
    description="Only an invoice with no payment recorded can be credited (422 otherwise).",
)
def credit_note_issue(request: HttpRequest, invoice_id: UUID, payload: CreditNoteIn) -> Status[dict[str, Any]]:
    invoice = _load(invoice_id)
    note = services.credit_note_issue(invoice=invoice, actor=request.user, reason=payload.reason)
    return Status(201, _credit_note(note))
