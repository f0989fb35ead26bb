"""The SVG charts: accessible, escaped, scaled to their largest value."""

from __future__ import annotations

import re

from iasios.reports.charts import Bar, Column, Marker, Segment, bar_chart, column_chart


def test_a_bar_chart_is_an_image_titled_and_described_by_its_table() -> None:
    svg = bar_chart([Bar("Draft", 2), Bar("Submitted", 4)], title="Per state", table_id="pipeline-table")

    assert re.match(r'<svg class="chart chart-bars" viewBox="0 0 \d+ \d+" role="img" ', svg)
    title_id = re.search(r'aria-labelledby="([^"]+)"', svg)
    assert title_id is not None
    assert f'<title id="{title_id.group(1)}">Per state</title>' in svg
    assert 'aria-describedby="pipeline-table"' in svg


def test_bars_are_scaled_to_the_largest_value_and_print_their_numbers() -> None:
    svg = bar_chart([Bar("A", 1), Bar("B", 4, text="4 wk")], title="t", table_id="x")

    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert widths[1] == 4 * widths[0]
    assert ">4 wk</text>" in svg and ">1</text>" in svg


def test_markers_and_ranges_are_drawn_on_the_same_scale() -> None:
    svg = bar_chart([Bar("A", 50, low=25, high=100)], title="t", table_id="x", markers=[Marker(75, "target")])

    xs = re.findall(r'<line class="chart-range" x1="([\d.]+)" x2="([\d.]+)"', svg)[0]
    marker = re.search(r'<line class="chart-marker" x1="([\d.]+)"', svg)
    assert marker is not None
    low, high = float(xs[0]), float(xs[1])
    assert high == 4 * low
    assert float(marker.group(1)) == 3 * low


def test_labels_and_titles_are_escaped() -> None:
    svg = bar_chart([Bar("<script>alert(1)</script>", 1)], title='"quoted" & <b>', table_id="x")

    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert "&quot;quoted&quot; &amp; &lt;b&gt;" in svg


def test_a_column_chart_stacks_its_segments_and_prints_the_total() -> None:
    svg = column_chart([Column("2025", [Segment(2, "ok"), Segment(1, "gold")])], title="Per year", table_id="y")

    heights = [float(h) for h in re.findall(r'<rect [^>]*height="([\d.]+)"', svg)]
    assert heights[0] == 2 * heights[1]
    assert ">3</text>" in svg and ">2025</text>" in svg
    assert 'aria-describedby="y"' in svg
