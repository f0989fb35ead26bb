"""The office's benchmarks are computed once per version of the decided cycles they are drawn
from, and are never stale: a newly decided or reopened cycle shows at once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.applications.models import Cycle, CycleStatus
from tests import factories
from tests.reports import builders as b

pytestmark = pytest.mark.django_db


def _get(client: Any) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("office_reports:benchmarks"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_a_change_of_the_decided_cycles_shows_at_once(cast: Any, framework: Any) -> None:
    client = cast.client_for("office")
    for name in ("Alpha", "Bravo"):
        b.decided_cycle(factories.make_facility(name=name), framework)
    first, built = _get(client)
    assert "Consolidated ratings of 2 centres" in first
    again, kept = _get(client)
    assert re.sub(r"chart-\d+", "", again.split("<h1>")[1]) == re.sub(r"chart-\d+", "", first.split("<h1>")[1])
    assert kept < built  # the aggregates are read once per version

    b.decided_cycle(factories.make_facility(name="Charlie"), framework, ratings={"1a": "not_met"})
    third, _queries = _get(client)
    assert "Consolidated ratings of 3 centres" in third

    reopened = Cycle.objects.get(facility__name="Charlie")
    reopened.status = CycleStatus.AMENDING
    reopened.save()
    assert "Consolidated ratings of 2 centres" in _get(client)[0]


def test_each_language_has_its_own_copy(cast: Any, framework: Any) -> None:
    from django.utils import translation

    from iasios.reports.selectors import office_benchmarks

    b.decided_cycle(factories.make_facility(name="Alpha"), framework)
    with translation.override("en"):
        english = office_benchmarks.benchmarks_kept()
    with translation.override("fr"):
        other = office_benchmarks.benchmarks_kept()
    assert english is not other
    assert english.heatmap is not None and english.heatmap.centres == 1


def test_undecided_cycles_keep_the_copy_and_a_decision_refreshes_it(cast: Any, framework: Any) -> None:
    """Applications are made, rated and sent on all day in cycles the benchmarks do not read: the
    kept copy stays; the next decided cycle shows at once."""
    from iasios.assessment.models import AssignmentStatus
    from iasios.assessment.services import rating_save

    client = cast.client_for("office")
    for name in ("Alpha", "Bravo"):
        b.decided_cycle(factories.make_facility(name=name), framework)
    first, built = _get(client)
    assert "Consolidated ratings of 2 centres" in first
    _page, kept = _get(client)
    assert kept < built

    # A new application and one in assessment, rated: neither is decided.
    b.cycle(factories.make_facility(name="Echo"), framework, "draft")
    in_assessment = b.cycle(factories.make_facility(name="Charlie"), framework, "in_assessment")
    b.dossier(in_assessment)
    who = b.assessor("Rita Rater")
    review = b.assignment(in_assessment, who, AssignmentStatus.ACCEPTED)
    for requirement in b.requirements(framework)[:3]:
        rating_save(assignment=review, user=who, requirement=requirement, rating="met")
    in_assessment.status = "with_committee"
    in_assessment.save()
    after_ratings, queries = _get(client)
    assert queries == kept  # read from the kept copy, not computed again
    assert "Consolidated ratings of 2 centres" in after_ratings

    b.decided_cycle(factories.make_facility(name="Delta"), framework)
    refreshed, queries = _get(client)
    assert queries == built  # computed again, once
    assert "Consolidated ratings of 3 centres" in refreshed
