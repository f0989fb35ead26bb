"""Reads of billing data. Each list is a constant number of queries, whatever its size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from iasios.billing.models import (
    PARTIALLY_PAID,
    Consultation,
    ConsultationStatus,
    CreditNote,
    Invoice,
    InvoiceKind,
    InvoiceQuerySet,
    InvoiceStatus,
    Payment,
)
from iasios.facilities.models import Facility


def _invoice_list_qs() -> InvoiceQuerySet:
    return Invoice.objects.with_paid().select_related("facility", "credit_note")


def invoices_for_facility(facility: Facility) -> InvoiceQuerySet:
    """A facility's invoices, newest first, with paid amounts and credit notes: one query."""
    return _invoice_list_qs().filter(facility=facility)


def invoice_detail(pk: Any) -> Invoice:
    """One invoice with its facility, credit note, paid amount; lines and payments prefetched."""
    return _invoice_list_qs().select_related("issued_by").prefetch_related("lines", "payments__recorded_by").get(pk=pk)


def facility_ids_with_overdue_invoices(today: date | None = None) -> QuerySet[Invoice, Any]:
    """Ids of facilities holding an unpaid invoice past its due date (a subquery-ready queryset)."""
    return Invoice.objects.overdue(today).order_by().values_list("facility_id", flat=True).distinct()


@dataclass(frozen=True)
class InvoiceFilters:
    status: str = ""
    kind: str = ""
    year: int | None = None
    overdue: bool = False
    q: str = ""


def invoices_for_office(filters: InvoiceFilters, today: date | None = None) -> InvoiceQuerySet:
    qs = _invoice_list_qs()
    if filters.status == PARTIALLY_PAID:
        qs = qs.filter(status=InvoiceStatus.ISSUED, paid_amount__gt=0)  # type: ignore[misc]
    elif filters.status in InvoiceStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.kind in InvoiceKind.values:
        qs = qs.filter(kind=filters.kind)
    if filters.year:
        qs = qs.filter(issued_on__year=filters.year)
    if filters.overdue:
        qs = qs.overdue(today)
    if filters.q:
        qs = qs.filter(
            Q(number__icontains=filters.q) | Q(facility__name__icontains=filters.q) | Q(payer_name__icontains=filters.q)
        )
    return qs


def invoice_years() -> list[int]:
    return [d.year for d in Invoice.objects.dates("issued_on", "year", order="DESC")]


def overdue_invoices(today: date | None = None) -> InvoiceQuerySet:
    return _invoice_list_qs().overdue(today).order_by("due_on", "number")


def payments_for_office() -> QuerySet[Payment]:
    return Payment.objects.select_related("invoice__facility", "recorded_by").order_by("-paid_on", "-created_at")


def consultations_for_facility(facility: Facility) -> QuerySet[Consultation]:
    return Consultation.objects.filter(facility=facility).select_related("requested_by", "invoice")


def consultations_queue(status: str = "") -> QuerySet[Consultation]:
    qs = Consultation.objects.select_related("facility", "requested_by", "invoice")
    if status in ConsultationStatus.values:
        return qs.filter(status=status)
    return qs.filter(status__in=[ConsultationStatus.REQUESTED, ConsultationStatus.SCHEDULED]).order_by(
        "status", "scheduled_for", "created_at"
    )


def credit_note_detail(pk: Any) -> CreditNote:
    return CreditNote.objects.select_related("invoice__facility", "issued_by").get(pk=pk)


def today() -> date:
    return timezone.localdate()
