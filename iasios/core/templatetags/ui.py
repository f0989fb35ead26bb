from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.db.models import QuerySet

from iasios.core.event_display import TimelineEntry, timeline_entries
from iasios.core.formats.words import in_sentence
from iasios.core.models import Event

register = template.Library()

# A timeline reads at most this many events (one query) and shows at most this many lines.
TIMELINE_EVENTS_READ = 500
TIMELINE_LINES = 30


@register.simple_tag
def timeline_lines(events: Iterable[Event], limit: int | None = None) -> list[TimelineEntry]:
    """The events as timeline lines: plain words, runs of the same action collapsed.

    Pass the events unsliced: a run cut by a slice would be counted short.
    """
    if isinstance(events, QuerySet) and not events.query.is_sliced:
        events = events[:TIMELINE_EVENTS_READ]
    return timeline_entries(events, limit=limit or TIMELINE_LINES)


@register.filter
def choice_labels(codes: Iterable[str], choices: Iterable[tuple[str, Any]]) -> str:
    """Codes by their labels, joined: ["pain-management"] → "Pain management"."""
    labels = dict(choices or ())
    return ", ".join(str(labels.get(code, code)) for code in codes or ())


register.filter("in_sentence", in_sentence)
