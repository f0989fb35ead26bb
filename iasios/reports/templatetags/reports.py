"""Charts in templates: `{% bar_chart report.section.bars title=… table_id=… %}`.

The tags only draw; the bars come from the report model, the same rows as the table.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from iasios.reports import charts

register = template.Library()


def escape(text: Any) -> str:
    return html.escape(str(text))  # django.utils.html.escape's text, without its wrapping


@register.simple_tag
def bar_chart(
    bars: Sequence[charts.Bar],
    *,
    title: str,
    table_id: str,
    markers: Sequence[charts.Marker] = (),
    max_value: float | None = None,
    empty: str = "",
) -> SafeString:
    return charts.bar_chart(
        bars, title=str(title), table_id=table_id, markers=markers, max_value=max_value, empty_text=str(empty)
    )


@register.simple_tag
def column_chart(columns: Sequence[charts.Column], *, title: str, table_id: str, empty: str = "") -> SafeString:
    return charts.column_chart(columns, title=str(title), table_id=table_id, empty_text=str(empty))


@register.filter
def pct(value: Any) -> str:
    """A percentage as the reports print it: one decimal at most, a dash for “no value”."""
    if value is None or value == "":
        return "—"
    return f"{float(value):g}%"


@register.filter
def days(value: Any) -> str:
    return "—" if value is None else f"{float(value):g}"


@register.simple_tag
def clock_rows(rows: Sequence[Any]) -> SafeString:
    """The decision clock table's rows (reports.selectors.progress.ClockRow), in one go: a row per
    application in assessment or with the committee, rendered cell by cell, cost most of the page.
    Each text is escaped here (the words of the clock, `badge`, come escaped from their template);
    what many rows share (a start day, a state, a target) is written once."""

    written: dict[Any, str] = {}  # each day, state and target once: many rows share them

    def since(row: Any) -> str:
        at = row.clock.running_since
        if not at:
            return "—"
        day = timezone.localtime(at).date()
        if day not in written:
            written[day] = escape(date_format(day, "SHORT_DATE_FORMAT"))
        return written[day]

    def once(key: Any, text: str) -> str:
        if key not in written:
            written[key] = escape(text)
        return written[key]

    lines = []
    for r in rows:
        low, high = r.clock.target_min_weeks, r.clock.target_max_weeks
        lines.append(
            f'<tr><th scope="row"><a href="{escape(r.url)}">{escape(r.facility)}</a></th>'
            f"<td>{once(('state', r.state_label), r.state_label)}</td>"
            f"<td>{since(r)}</td><td>{conditional_escape(r.badge)}</td>"
            f'<td class="num">{once((low, high), f"{low}–{high}")}</td></tr>'
        )
    return mark_safe("\n".join(lines))  # noqa: S308 -- every text above is escaped
