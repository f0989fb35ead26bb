"""Money owed: issued invoices not (fully) paid, per currency."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from iasios.billing.models import Invoice
from iasios.reports.charts import Bar

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CurrencyRow:
    currency: str
    outstanding: int
    outstanding_balance: Decimal
    overdue: int
    overdue_balance: Decimal


@dataclass(frozen=True)
class InvoiceSection:
    """Issued invoices not (fully) paid, per currency: amounts in different currencies are never added."""

    rows: list[CurrencyRow]
    today: datetime.date

    @property
    def bars(self) -> list[Bar]:
        bars = []
        for r in self.rows:
            bars.append(Bar(_("%(cur)s · not yet due") % {"cur": r.currency}, r.outstanding - r.overdue))
            bars.append(Bar(_("%(cur)s · overdue") % {"cur": r.currency}, r.overdue, tone="bad"))
        return bars


def invoice_section(*, today: datetime.date) -> InvoiceSection:
    """Counts and balances (total less payments) of issued invoices, one query.

    Cancelled invoices (credit notes) and paid ones owe nothing; an issued invoice with part
    payments owes the rest. Overdue: issued and past its due date (billing's rule).
    """
    late = Q(due_on__lt=today)
    rows = (
        Invoice.objects.open()
        .with_paid()
        .order_by()
        .values("currency")
        .annotate(
            n=Count("id"),
            total_sum=Sum("total"),
            paid_sum=Sum("paid_amount"),
            n_late=Count("id", filter=late),
            late_total=Sum("total", filter=late),
            late_paid=Sum("paid_amount", filter=late),
        )
        .order_by("currency")
    )
    return InvoiceSection(
        rows=[
            CurrencyRow(
                currency=r["currency"],
                outstanding=r["n"],
                outstanding_balance=_money(r["total_sum"]) - _money(r["paid_sum"]),
                overdue=r["n_late"],
                overdue_balance=_money(r["late_total"]) - _money(r["late_paid"]),
            )
            for r in rows
        ],
        today=today,
    )


def _money(value: Any) -> Decimal:
    return (Decimal(value) if value is not None else ZERO).quantize(Decimal("0.01"))
