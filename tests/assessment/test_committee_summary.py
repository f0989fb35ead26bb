"""The committee's ratings in brief: counts per section of the consolidated ratings, the
assessors' disagreements first, and a filter showing only the disagreements."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.assessment.models import RequirementRating
from iasios.assessment.summary import RatedRow, ratings_summary
from iasios.cycles import services as cycle_services
from tests.assessment.builders import World, both_submitted, reconcile_all, requirements

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    return re.findall(r'<tr id="rating-([^"]+)"', html)


def _with_committee(world: World, **ratings_b: str) -> str:
    both_submitted(world, **ratings_b)
    reconcile_all(world, **ratings_b)
    cycle_services.cycle_send_to_committee(cycle=world.cycle, actor=world.office)
    return reverse("committee:cycle", args=[world.cycle.pk])


def test_the_summary_counts_per_section_and_names_the_disagreements_first(world: World) -> None:
    all_requirements = requirements(world.cycle)
    one, two = all_requirements[0], all_requirements[-1]
    url = _with_committee(world, **{f"r{one.reference}": "not_met", f"r{two.reference}": "partly_met"})
    html = world.cast.client_for("committee").get(url).content.decode()
    summary = html[html.index('id="summary-title"') : html.index('id="ratings-title"')]
    assert "The assessors disagree on 2 requirements:" in summary
    assert summary.index(f"#rating-{one.reference}") < summary.index("<table")  # disagreements first
    first_section = one.standard.section
    last_section = two.standard.section
    assert f"{first_section.number}. {first_section.title}" in summary
    # Every requirement is in one section's counts, whatever its rating.
    data = ratings_summary(
        world.cycle.framework_id,
        [RatedRow(r, "met" if r not in (one, two) else "", ["met"]) for r in all_requirements],
    )
    assert sum(s.met + s.not_rated for s in data.sections) == len(all_requirements)
    # The page counts the consolidated ratings: one not met in the first section, one partly met in the last.
    row = summary[summary.index(f"{first_section.number}. {first_section.title}") :]
    assert re.search(r'data-label="Not met" class="num">1<', row[: row.index("</tr>")])
    row = summary[summary.index(f"{last_section.number}. {last_section.title}") :]
    assert re.search(r'data-label="Partly met" class="num">1<', row[: row.index("</tr>")])


def test_the_disagreements_filter_shows_only_them(world: World) -> None:
    all_requirements = requirements(world.cycle)
    picked = [all_requirements[1], all_requirements[7]]
    url = _with_committee(world, **{f"r{r.reference}": "partly_met" for r in picked})
    client = world.cast.client_for("committee")
    assert _rows(client.get(url).content.decode()) == [r.reference for r in all_requirements]
    html = client.get(url + "?ratings=disagreements").content.decode()
    assert _rows(html) == [r.reference for r in picked]
    assert 'aria-current="page">Disagreements only (2)' in html


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_committee_page_costs_the_same_queries_with_more_disagreements(world: World) -> None:
    references = [r.reference for r in requirements(world.cycle)]
    url = _with_committee(world, **{f"r{references[0]}": "partly_met"})
    client = world.cast.client_for("committee")
    small = _count(client, url), _count(client, url + "?ratings=disagreements")
    # Now the second assessor disagrees on every requirement.
    RequirementRating.objects.filter(assignment__assessor=world.b).update(rating="not_met")
    large = _count(client, url), _count(client, url + "?ratings=disagreements")
    assert small == large, (small, large)
    assert small[0] == small[1]
