"""The dashboard's decision clock table, rendered in one go: each application's link, state,
start, words and target, the words the same as the assessment pages print for that clock."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from tests import factories
from tests.reports import builders as b
from tests.reports.builders import days_ago

pytestmark = pytest.mark.django_db


def _in_assessment(framework: Any, name: str, evidence_days_ago: float) -> Any:
    made = b.cycle(factories.make_facility(name=name), framework, "in_assessment")
    with b.at(days_ago(evidence_days_ago)):
        b.dossier(made)
    return made


def test_each_row_says_its_own_clock(cast: Any, framework: Any) -> None:
    from iasios.reports.selectors import progress

    late = _in_assessment(framework, "Late <Centre>", 100)
    twin = _in_assessment(framework, "Twin Centre", 100)  # the same reading: the same words
    early = _in_assessment(framework, "Early Centre", 30)
    html = cast.client_for("office").get(reverse("office_reports:dashboard")).content.decode()
    table = html[html.index('<table id="clock-table"') :].split("</table>")[0]
    rows = re.findall(r"<tr><th scope=\"row\">.*?</tr>", table, re.S)
    assert len(rows) == 3
    assert "Every decision clock" not in html  # all of them shown: no link to the full list
    clocks = {r.facility: r.clock for r in progress.clock_section(now=timezone.now()).rows}
    for made, row in zip([late, twin, early], rows, strict=True):
        name = made.facility.name
        url = reverse("office_assessment:cycle", kwargs={"cycle_id": made.pk})
        assert f'<a href="{url}">{name.replace("<", "&lt;").replace(">", "&gt;")}</a>' in row
        words = render_to_string("assessment/_clock.html", {"clock": clocks[name]})
        assert words in row
        since = timezone.localtime(clocks[name].running_since)
        assert since == timezone.localtime(days_ago(30 if made == early else 100))
        assert f"<td>{date_format(since, 'SHORT_DATE_FORMAT')}</td>" in row
        assert "In assessment" in row and ">8–12</td>" in row
    badge = [re.search(r'<span class="clock.*?</span>', row, re.S).group(0) for row in rows]  # type: ignore[union-attr]
    assert badge[0] == badge[1] != badge[2]
