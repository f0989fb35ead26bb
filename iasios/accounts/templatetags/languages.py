"""The language switcher and the `<html lang>` value (docs/decisions/0030)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

from iasios.accounts.language import language_choices

register = template.Library()


def bcp47(code: str) -> str:
    """A Django language code as an HTML `lang` value: "zh-hans" -> "zh-Hans", "pt-br" -> "pt-BR"."""
    parts = code.replace("_", "-").split("-")
    tags = [parts[0].lower()]
    for part in parts[1:]:
        tags.append(part.title() if len(part) == 4 else part.upper() if len(part) == 2 else part.lower())
    return "-".join(tags)


@register.simple_tag
def html_lang() -> str:
    return bcp47(translation.get_language() or "en")


@register.filter
def lang_attr(code: str) -> str:
    return bcp47(str(code))


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    current = translation.get_language() or "en"
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "next_path": request.get_full_path() if request is not None else "/",
        "options": [
            {"code": code, "name": name, "lang": bcp47(code), "selected": code == current}
            for code, name in language_choices()
        ],
    }
