"""`{{ invoice.total|money:invoice.currency }}` and `{{ amount|money_number }}`: money by locale."""

from __future__ import annotations

from typing import Any

from django import template

from iasios.core.formats import money as money_formats

register = template.Library()


@register.filter
def money(amount: Any, currency: str = "") -> str:
    return money_formats.money(amount, currency)


@register.filter
def money_number(amount: Any) -> str:
    return money_formats.money_number(amount)
