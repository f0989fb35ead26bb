"""Template helpers of the assessment: a rating's badge, the review's kept fragments."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django import template
from django.template.loader import get_template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from iasios.assessment.models import Rating

register = template.Library()


@register.filter
def rating_badge(value: str | None) -> SafeString:
    """A rating as its coloured label ("not rated" when there is none)."""
    if value in Rating.values:
        return format_html('<span class="rating rating-{}">{}</span>', value, Rating(value).label)
    return format_html('<span class="rating rating-none">{}</span>', _("not rated"))


class Fragments:
    """Rendered HTML kept per process, least recently used out first. A fragment's key names
    everything its HTML depends on, so a kept fragment is never stale."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, render: Callable[[], str]) -> str:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        html = render()
        with self._lock:
            self._items[key] = html
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return html


# The review page shows 68 cards; these keep about 60 reviews' worth.
CARDS = Fragments(4096)
CLAIMS = Fragments(4096)
# Stands for the CSRF token in a kept card; each page puts its own token in its place.
CSRF_PLACEHOLDER = "csrf-token-of-the-request"


def _render(name: str, context: dict[str, Any]) -> str:
    return get_template(name).render(context)


@register.simple_tag(takes_context=True)
def review_card(context: Any) -> SafeString:
    """One card of the review page, kept under the row's fingerprint and the page's settings
    (rendered afresh only when something it shows changed); the page's CSRF token put in."""
    row = context["row"]
    values = {name: context.get(name) for name in ("assignment", "review", "can_rate", "ratings", "standard", "show")}
    key = (
        row.fingerprint,
        values["assignment"].pk,
        values["can_rate"],
        values["standard"],
        values["show"],
        values["review"].round.scope is not None,
        get_language(),
    )
    html = CARDS.get(
        key, lambda: _render("assessment/_review_card.html", {**values, "row": row, "csrf_token": CSRF_PLACEHOLDER})
    )
    return mark_safe(html.replace(CSRF_PLACEHOLDER, str(context.get("csrf_token", ""))))  # noqa: S308


@register.simple_tag
def review_claim(row: Any, dossier: Any) -> SafeString:
    """What the facility submitted for one requirement, from the frozen dossier: rendered once per
    dossier, requirement and language (the snapshot never changes)."""
    if dossier is None:
        return mark_safe(_render("assessment/_review_claim.html", {"row": row}))  # noqa: S308
    key = (dossier.pk, row.requirement.pk, get_language())
    return mark_safe(CLAIMS.get(key, lambda: _render("assessment/_review_claim.html", {"row": row})))  # noqa: S308


@register.simple_tag(takes_context=True)
def rating_form(context: Any) -> SafeString:
    """The rating form of the card's row: what was posted (after an htmx save with errors), else
    the saved rating."""
    row = context["row"]
    posted = context.get("posted")
    values = {
        "row": row,
        "assignment": context["assignment"],
        "ratings": context["ratings"],
        "standard": context.get("standard"),
        "show": context.get("show"),
        "chosen": posted["rating"] if posted else (row.rating.rating if row.rating else ""),
        "comment": posted["comment"] if posted else (row.rating.comment if row.rating else ""),
        "csrf_token": context.get("csrf_token", ""),
        "errors": context.get("errors"),
        "saved": context.get("saved"),
    }
    return mark_safe(_render("assessment/_rating_form.html", values))  # noqa: S308
