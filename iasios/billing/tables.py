"""The office's billing lists as report tables: what the pages show and the exports write."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

from iasios.billing.models import Consultation, Invoice, Payment
from iasios.core.exports import Column, Table


def _payer(invoice: Invoice) -> str:
    return invoice.payer_name


def invoice_table(invoices: Iterable[Invoice], today: datetime.date) -> Table[Invoice]:
    """Rows from `selectors.invoices_for_office` (paid amounts annotated, facility joined)."""
    return Table(
        name="invoices",
        title=_("Invoices"),
        columns=[
            Column(_("Number"), lambda i: i.number, width=14),
            Column(_("Facility"), lambda i: i.facility.name, width=32),
            Column(_("Payer"), _payer, width=28),
            Column(_("Kind"), lambda i: i.get_kind_display(), width=18),
            Column(_("Issued"), lambda i: i.issued_on, width=12),
            Column(_("Due"), lambda i: i.due_on, width=12),
            Column(_("Currency"), lambda i: i.currency),
            Column(_("Total"), lambda i: i.total, numeric=True),
            Column(_("Paid"), lambda i: i.paid, numeric=True),
            Column(_("Balance"), lambda i: i.balance, numeric=True),
            Column(_("Status"), lambda i: i.display_status, width=14),
            Column(_("Overdue"), lambda i: i.is_overdue(today)),
        ],
        rows=invoices,
    )


def overdue_table(invoices: Iterable[Invoice], today: datetime.date) -> Table[Invoice]:
    """Rows from `selectors.overdue_invoices`."""
    return Table(
        name="overdue-invoices",
        title=_("Overdue invoices"),
        columns=[
            Column(_("Invoice"), lambda i: i.number, width=14),
            Column(_("Facility"), lambda i: i.facility.name, width=32),
            Column(_("Facility status"), lambda i: i.facility.get_status_display(), width=16),
            Column(_("Kind"), lambda i: i.get_kind_display(), width=18),
            Column(_("Due"), lambda i: i.due_on, width=12),
            Column(_("Days overdue"), lambda i: i.days_overdue(today), numeric=True),
            Column(_("Currency"), lambda i: i.currency),
            Column(_("Balance"), lambda i: i.balance, numeric=True),
        ],
        rows=invoices,
    )


def payment_table(payments: Iterable[Payment]) -> Table[Payment]:
    """Rows from `selectors.payments_for_office`."""
    return Table(
        name="payments",
        title=_("Payments"),
        columns=[
            Column(_("Received"), lambda p: p.paid_on, width=12),
            Column(_("Invoice"), lambda p: p.invoice.number, width=14),
            Column(_("Facility"), lambda p: p.invoice.facility.name, width=32),
            Column(_("Reference"), lambda p: p.reference, width=24),
            Column(_("Currency"), lambda p: p.invoice.currency),
            Column(_("Amount"), lambda p: p.amount, numeric=True),
            Column(_("Recorded by"), lambda p: str(p.recorded_by) if p.recorded_by else "", width=20),
        ],
        rows=payments,
    )


def consultation_table(consultations: Iterable[Consultation]) -> Table[Consultation]:
    """Rows from `selectors.consultations_queue`."""
    return Table(
        name="consultations",
        title=_("Consultations"),
        columns=[
            Column(_("Topic"), lambda c: c.topic, width=32),
            Column(_("Facility"), lambda c: c.facility.name, width=32),
            Column(_("Requested"), lambda c: c.created_at, width=17),
            Column(_("Requested by"), lambda c: str(c.requested_by), width=20),
            Column(_("Preferred dates"), lambda c: c.preferred_dates, width=24),
            Column(_("Status"), lambda c: c.get_status_display(), width=14),
            Column(_("Scheduled for"), lambda c: c.scheduled_for, width=17),
            Column(_("Invoice"), lambda c: c.invoice.number if c.invoice else ""),
        ],
        rows=consultations,
    )
