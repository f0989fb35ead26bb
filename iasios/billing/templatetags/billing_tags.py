from __future__ import annotations

from datetime import date

from django import template

from iasios.billing.models import Invoice

register = template.Library()


@register.filter
def days_overdue(invoice: Invoice, today: date) -> int:
    return invoice.days_overdue(today)
