"""Charts in templates: `{% bar_chart report.section.bars title=… table_id=… %}`.

The tags only draw; the bars come from the report model, the same rows as the table.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from iasios.reports import charts

register = template.Library()


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
    application in assessment or with the committee, rendered cell by cell, cost most of the page."""

    written: dict[datetime.date, str] = {}  # each day once: many clocks started on the same day

    def since(row: Any) -> str:
        at = row.clock.running_since
        if not at:
            return "—"
        day = timezone.localtime(at).date()
        if day not in written:
            written[day] = date_format(day, "SHORT_DATE_FORMAT")
        return written[day]

    return format_html_join(
        "\n",
        '<tr><th scope="row"><a href="{}">{}</a></th><td>{}</td><td>{}</td><td>{}</td><td class="num">{}–{}</td></tr>',
        (
            (r.url, r.facility, r.state_label, since(r), r.badge, r.clock.target_min_weeks, r.clock.target_max_weeks)
            for r in rows
        ),
    )
