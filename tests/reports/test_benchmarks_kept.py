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
