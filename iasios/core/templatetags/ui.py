from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def action_label(value: str) -> str:
    """“programme_role_granted” → “Programme role granted”."""
    text = str(value).replace("_", " ").strip()
    return text[:1].upper() + text[1:]
