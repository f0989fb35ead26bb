"""Small server-side SVG charts: a horizontal bar chart and a column chart.

Every chart is drawn from the same report rows as the table printed beside it, and points at
that table with `aria-describedby`: the table is the accessible (and exact) form of the chart,
the chart only helps the eye. Colours come from CSS classes (`chart-tone-*`) so the page's
stylesheet decides them; text uses `currentColor`.

Layout choices: labels sit above their bar rather than to its left, so long labels (facility
names, checklist questions) keep the full width and the chart stays readable on a phone.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString, mark_safe

WIDTH = 360
LABEL_LINE = 17
BAR_HEIGHT = 14
ROW_GAP = 8
TOP = 22
VALUE_SPACE = 64
LABEL_CHARS = 48

_ids = itertools.count(1)


def escape(text: Any) -> str:
    """django.utils.html.escape's text (it is html.escape of the text) without its wrapping, which
    cost more than the rest of a chart of a few hundred bars."""
    return html.escape(str(text))


@dataclass(frozen=True)
class Bar:
    """One bar: `value` sets its length, `text` is what is printed at its end.

    `low`/`high` draw a range line (e.g. the minimum and maximum across centres) through it.
    """

    label: str
    value: float
    text: str = ""
    tone: str = "brand"
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Marker:
    """A vertical reference line across every bar (e.g. a target)."""

    value: float
    label: str


@dataclass(frozen=True)
class Segment:
    value: float
    tone: str = "brand"


@dataclass(frozen=True)
class Column:
    label: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def total(self) -> float:
        return sum(s.value for s in self.segments)


def _fmt(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _open(height: float, title: str, table_id: str, kind: str) -> tuple[str, str]:
    chart_id = f"chart-{next(_ids)}"
    head = (
        f'<svg class="chart chart-{kind}" viewBox="0 0 {WIDTH} {height:g}" role="img" '
        f'aria-labelledby="{chart_id}-title" aria-describedby="{escape(table_id)}" '
        f'xmlns="http://www.w3.org/2000/svg" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
    )
    return chart_id, head


def bar_chart(
    bars: Sequence[Bar],
    *,
    title: str,
    table_id: str,
    markers: Sequence[Marker] = (),
    max_value: float | None = None,
    empty_text: str = "",
) -> SafeString:
    """A horizontal bar chart, one labelled row per bar, scaled to the largest value shown."""
    row = LABEL_LINE + BAR_HEIGHT + ROW_GAP
    height = TOP + max(1, len(bars)) * row + 4
    _chart_id, head = _open(height, title, table_id, "bars")
    parts = [head]
    top = max(
        [max_value or 0.0]
        + [b.value for b in bars]
        + [b.high for b in bars if b.high is not None]
        + [m.value for m in markers]
    )
    top = top or 1.0
    span = WIDTH - VALUE_SPACE

    def x(value: float) -> float:
        return round(max(0.0, value) / top * span, 1)

    if not bars and empty_text:
        parts.append(f'<text class="chart-empty" x="0" y="{TOP + 14}">{escape(empty_text)}</text>')
    for i, bar in enumerate(bars):
        y = TOP + i * row
        bar_y = y + LABEL_LINE
        text = bar.text or _fmt(bar.value)
        parts.append(f"<g><title>{escape(bar.label)}: {escape(text)}</title>")
        parts.append(f'<text class="chart-label" x="0" y="{y + 12}">{escape(_short(bar.label))}</text>')
        parts.append(
            f'<rect class="chart-tone-{escape(bar.tone)}" x="0" y="{bar_y}" '
            f'width="{max(x(bar.value), 1.5 if bar.value else 0)}" height="{BAR_HEIGHT}" rx="2"/>'
        )
        if bar.low is not None and bar.high is not None:
            mid = bar_y + BAR_HEIGHT / 2
            parts.append(
                f'<line class="chart-range" x1="{x(bar.low)}" x2="{x(bar.high)}" y1="{mid}" y2="{mid}"/>'
                f'<line class="chart-range" x1="{x(bar.low)}" x2="{x(bar.low)}" y1="{bar_y + 2}" '
                f'y2="{bar_y + BAR_HEIGHT - 2}"/>'
                f'<line class="chart-range" x1="{x(bar.high)}" x2="{x(bar.high)}" y1="{bar_y + 2}" '
                f'y2="{bar_y + BAR_HEIGHT - 2}"/>'
            )
        end = max(x(bar.value), x(bar.high) if bar.high is not None else 0.0)
        parts.append(f'<text class="chart-value" x="{end + 4}" y="{bar_y + 11}">{escape(text)}</text></g>')
    for marker in markers:
        mx = x(marker.value)
        parts.append(
            f'<line class="chart-marker" x1="{mx}" x2="{mx}" y1="{TOP - 6}" y2="{height - 2}"/>'
            f'<text class="chart-marker-label" x="{mx}" y="{TOP - 9}" text-anchor="middle">'
            f"{escape(marker.label)}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped


def column_chart(
    columns: Sequence[Column],
    *,
    title: str,
    table_id: str,
    height: int = 200,
    empty_text: str = "",
) -> SafeString:
    """A column chart; a column of several segments is stacked bottom-up in the given order."""
    _chart_id, head = _open(height, title, table_id, "columns")
    parts = [head]
    base = height - 22
    plot = base - TOP
    top = max([c.total for c in columns] + [0.0]) or 1.0
    if not columns and empty_text:
        parts.append(f'<text class="chart-empty" x="0" y="{TOP + 14}">{escape(empty_text)}</text>')
    slot = WIDTH / max(1, len(columns))
    width = min(48.0, slot * 0.7)
    parts.append(f'<line class="chart-axis" x1="0" x2="{WIDTH}" y1="{base}" y2="{base}"/>')
    for i, column in enumerate(columns):
        cx = i * slot + slot / 2
        left = round(cx - width / 2, 1)
        y = float(base)
        parts.append(f"<g><title>{escape(column.label)}: {escape(_fmt(column.total))}</title>")
        for segment in column.segments:
            h = round(segment.value / top * plot, 1)
            if h <= 0:
                continue
            y -= h
            parts.append(
                f'<rect class="chart-tone-{escape(segment.tone)}" x="{left}" y="{round(y, 1)}" '
                f'width="{round(width, 1)}" height="{h}"/>'
            )
        parts.append(
            f'<text class="chart-value" x="{round(cx, 1)}" y="{round(y - 4, 1)}" text-anchor="middle">'
            f"{escape(_fmt(column.total))}</text>"
            f'<text class="chart-label" x="{round(cx, 1)}" y="{base + 16}" text-anchor="middle">'
            f"{escape(_short(column.label, 12))}</text></g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text above is escaped
