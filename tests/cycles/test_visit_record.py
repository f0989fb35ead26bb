"""The office sees the visit where it reconciles, and programme staff see it in the decision's record."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from iasios.applications.models import Cycle
from iasios.assessment.models import Visit, VisitFinding, VisitKind
from iasios.decisions.models import Outcome
from iasios.standards.models import Requirement
from tests.decisions.conftest import committee_cycle, contract, decide, members

__all__ = ["contract", "members"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def visited(cast: Any, framework: Any) -> tuple[Cycle, Requirement]:
    cycle = committee_cycle(cast.facility, framework, cast.representative)
    visit = Visit.objects.create(
        cycle=cycle,
        kind=VisitKind.ON_SITE,
        starts_on=date(2026, 2, 3),
        ends_on=date(2026, 2, 4),
        visitors="Asa Assessor, lead assessor",
        agenda="Tumour board; the angiography suite",
    )
    requirement = Requirement.objects.filter(framework=framework).order_by("position")[2]
    VisitFinding.objects.create(
        visit=visit, requirement=requirement, text="The on-call rota has gaps at weekends.", author=cast.assessor
    )
    return cycle, requirement


def test_the_reconciliation_page_shows_the_plan_and_the_findings_per_requirement(
    cast: Any, visited: tuple[Cycle, Requirement]
) -> None:
    cycle, requirement = visited
    page = cast.client_for("office").get(reverse("office_assessment:reconcile", args=[cycle.pk])).content.decode()
    assert "Asa Assessor, lead assessor" in page and "Tumour board; the angiography suite" in page
    assert "The on-call rota has gaps at weekends." in page
    assert f'id="finding-{requirement.pk}"' in page and f'href="#finding-{requirement.pk}"' in page
    assert "Visit (on site, 3 February 2026): 1 finding, marked in the table" in page


def test_the_decision_record_shows_the_visit_to_programme_staff_only(
    cast: Any, visited: tuple[Cycle, Requirement], members: list[Any], contract: Any
) -> None:
    cycle, _ = visited
    decision = decide(cycle, members, Outcome.ACCREDITED, date(2026, 3, 10))
    url = reverse("decisions:detail", args=[decision.pk])
    for who in ("office", "committee", "administrator"):
        assert "The on-call rota has gaps at weekends." in cast.client_for(who).get(url).content.decode(), who
    facility_page = cast.client_for("representative").get(url)
    assert facility_page.status_code == 200
    assert "The on-call rota has gaps at weekends." not in facility_page.content.decode()
