"""Template helpers of the application pages: Markdown narratives, sanitised on render; who sees the library."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import markdown as markdown_lib
import nh3
from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from iasios.applications.access import can_view_evidence
from iasios.applications.models import Claim

register = template.Library()

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


@functools.lru_cache(maxsize=1024)
def render_markdown(text: str) -> str:
    """Markdown to HTML, then cleaned: only harmless tags, links without scripts, rel=noopener.
    Kept per text (the same narratives are shown again and again; a changed text is a new key)."""
    html = markdown_lib.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    return mark_safe(render_markdown(text))  # noqa: S308 (sanitised by nh3 above)


@register.filter
def percent_width(value: int) -> str:
    """A progress bar width that stays inside 0–100%."""
    return f"{max(0, min(100, int(value or 0)))}%"


@register.filter
def sees_library(user: Any, facility: Any) -> bool:
    """May the user open the facility's evidence library (its members and the office)?"""
    return can_view_evidence(user, facility)


@register.filter
def claim_label(value: str) -> str:
    """A claim's label (“Partly met”) from its code, as a frozen dossier's snapshot keeps it."""
    return str(Claim(value).label) if value in Claim.values else value


def link_choices(documents: Iterable[Any]) -> list[tuple[Any, SafeString]]:
    """The library's documents as the link pickers' <option>s, each escaped once for the whole
    page: every answer of a standard shows the same library, less what it links already."""
    return [(d.pk, format_html('<option value="{}">{}</option>', d.pk, d.title)) for d in documents]


@register.simple_tag
def link_options(choices: Iterable[tuple[Any, SafeString]], linked_ids: set[Any]) -> SafeString:
    """The <option>s (link_choices) of the documents not linked yet, in one go: a big library
    times every answer of a standard, rendered option by option, was most of the page's time."""
    return SafeString("".join(option for pk, option in choices if pk not in linked_ids))
