"""The report pages cost the same number of queries whatever the amount of data."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories
from tests.reports import builders as b

pytestmark = pytest.mark.django_db


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries)


def _programme(framework: Any, n: int) -> None:
    """`n` of everything the dashboard shows."""
    today = datetime.date.today()
    now = datetime.datetime.now(tz=datetime.UTC)
    for i in range(n):
        who = b.assessor(f"Assessor {i}")
        for state in ["draft", "submitted", "in_assessment", "with_committee"]:
            made = b.cycle(factories.make_facility(country="FR" if i % 2 else "DE"), framework, state)
            b.move(made, state, now - datetime.timedelta(days=i + 1))
            if state == "in_assessment":
                with b.at(now - datetime.timedelta(days=40)):
                    b.dossier(made)
                on = b.assignment(made, who, "accepted")
                b.evidence_request(made, on, due_on=today - datetime.timedelta(days=2))
        facility = factories.make_facility(country="IT")
        award = b.award(facility, framework, "accredited", datetime.date(2020 + i, 1, 1))
        b.corrective_action(award.decision, today - datetime.timedelta(days=3))
        b.invoice(facility, "950.00", due_on=today - datetime.timedelta(days=5), paid=("100.00",))
        b.invoice(facility, "100.00", currency="USD", due_on=today + datetime.timedelta(days=5))


def _decided(framework: Any, n: int) -> None:
    items = b.checklist(framework)
    for i in range(n):
        made = b.decided_cycle(factories.make_facility(), framework, ratings={"1a": "not_met" if i % 2 else "met"})
        b.case_reviews(made, [{items[0].code: "yes"}, {items[0].code: "no" if i % 2 else "yes"}])


def test_office_dashboard(cast: Any, framework: Any) -> None:
    client = cast.client_for("office")
    url = reverse("office_reports:dashboard")
    _programme(framework, 1)
    small = _count(client, url)
    _programme(framework, 4)
    large = _count(client, url)

    assert large == small, (small, large)
    assert small < 25


def test_benchmarks(cast: Any, framework: Any) -> None:
    client = cast.client_for("office")
    url = reverse("office_reports:benchmarks")
    _decided(framework, 2)
    small = _count(client, url)
    _decided(framework, 6)
    large = _count(client, url)

    assert large == small, (small, large)
    assert small < 20


def test_facility_benchmark(cast: Any, framework: Any) -> None:
    client = cast.client_for("representative")
    url = reverse("reports:facility_benchmark", args=[cast.facility.pk])
    made = b.decided_cycle(cast.facility, framework)
    b.case_reviews(made, [{b.checklist(framework)[0].code: "yes"}])
    _decided(framework, 2)
    small = _count(client, url)  # too few peers: comparison hidden
    _decided(framework, 6)
    large = _count(client, url)  # enough peers: comparison shown

    assert large == small, (small, large)
    assert small < 20
