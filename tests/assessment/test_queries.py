"""The triage queue, the assessor's review page and the reconciliation page cost the same number of
queries whatever the amount of data."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.applications.models import Cycle, Dossier
from iasios.assessment import services
from iasios.facilities.models import FacilityStatus
from tests import factories
from tests.assessment.builders import World, assign, both_submitted, reconcile_all, requirements

pytestmark = pytest.mark.django_db


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
    return len(queries)


def _submitted_cycles(world: World, n: int) -> None:
    for i in range(n):
        facility = factories.make_facility(status=FacilityStatus.ENROLLED)
        cycle = Cycle.objects.create(facility=facility, framework=world.cycle.framework)
        Cycle.objects.filter(pk=cycle.pk).update(status="submitted")
        snapshot = {"answers": [], "n": i}
        Dossier.objects.create(
            cycle=cycle,
            snapshot=snapshot,
            sha256=hashlib.sha256(str(i).encode()).hexdigest(),
            signed_by=world.cast.representative,
            declaration="x",
        )


def test_triage_queue(world: World) -> None:
    client = world.cast.client_for("office")
    url = reverse("office_assessment:triage")
    _submitted_cycles(world, 2)
    small = _count(client, url)
    _submitted_cycles(world, 10)
    large = _count(client, url)
    assert large == small, (small, large)
    assert small < 20


def _requests(world: World, assignment: Any, n: int) -> None:
    for requirement in requirements(world.cycle)[:n]:
        services.evidence_request_create(
            assignment=assignment, user=assignment.assessor, requirement=requirement, question="More?"
        )


def test_review_page(world: World) -> None:
    assignment = assign(world, world.a)
    other = assign(world, world.b)
    client = world.cast.client_for("assessor")
    url = reverse("assessment:review", args=[assignment.pk])
    for requirement in requirements(world.cycle)[:2]:
        services.rating_save(assignment=assignment, user=world.a, requirement=requirement, rating="met")
    _requests(world, assignment, 1)
    small = _count(client, url)
    from tests.assessment.builders import rate_all

    rate_all(assignment, world.a, default="partly_met")
    rate_all(other, world.b)
    _requests(world, assignment, 8)
    from datetime import date

    visit = services.visit_save(
        cycle=world.cycle,
        actor=world.office,
        data=services.VisitInput(kind="on_site", starts_on=date(2026, 5, 4), ends_on=date(2026, 5, 5), visitors="A"),
    )
    for requirement in requirements(world.cycle)[:6]:
        services.visit_finding_add(visit=visit, user=world.a, requirement=requirement, text="Seen")
    large = _count(client, url)
    assert large == small, (small, large)
    # After submitting, the other assessor's ratings are read too: a fixed number more.
    services.review_submit(assignment=assignment, user=world.a)
    submitted = _count(client, url)
    assert submitted <= small + 5, (small, submitted)
    _requests(world, other, 8)
    assert _count(client, url) == submitted


def test_reconciliation_page(world: World) -> None:
    both_submitted(world, r1a="partly_met")
    client = world.cast.client_for("office")
    url = reverse("office_assessment:reconcile", args=[world.cycle.pk])
    reconcile_all(world)
    small = _count(client, url)
    reconcile_all(world, r1a="partly_met", r2a="not_met", r4c="partly_met")
    services.outcome_override(
        cycle=world.cycle,
        actor=world.office,
        outcome="areas_to_amend",
        reason="One round",
        accredited_award_in_force=False,
    )
    large = _count(client, url)
    assert large == small, (small, large)
    assert small < 40
