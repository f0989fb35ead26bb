"""An "areas to amend" decision cannot be appealed once the facility has resubmitted: upholding
the appeal would send back to the committee a cycle that is already with the assessors again.
The refusal comes up front, with the reason, and the pages offer no appeal button."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from iasios.applications.models import Cycle, CycleStatus, Dossier
from iasios.assessment import selectors as assessment_selectors
from iasios.core.refusals import Invalid
from iasios.cycles import services as cycle_services
from iasios.decisions import services
from iasios.decisions.models import Appeal, Decision
from iasios.standards.models import FrameworkVersion
from tests import factories
from tests.applications.conftest import _media, case_review, enrol
from tests.applications.helpers import answer_for, fill_core, save
from tests.decisions.conftest import Contract, decide

__all__ = ["_media", "case_review"]

pytestmark = pytest.mark.django_db

ALREADY = "already resubmitted"


@pytest.fixture(autouse=True)
def _recommendation_ready(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda cycle: True)


def _amending(cast: Any, framework: FrameworkVersion, members: list[Any]) -> tuple[Cycle, Decision]:
    """A cycle submitted, assessed and given "areas to amend" (1a) through the real services."""
    cycle = cycle_services.cycle_start(facility=enrol(cast.facility), user=cast.contributor)
    fill_core(cycle, cast.contributor)
    cycle_services.cycle_submit(
        cycle=cycle, user=cast.representative, declaration_accepted=True, password=factories.PASSWORD
    )
    cycle_services.cycle_start_assessment(cycle=cycle, actor=cast.office)
    cycle_services.cycle_send_to_committee(cycle=cycle, actor=cast.office)
    decision = decide(cycle, members, "areas_to_amend", areas="1a")
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.AMENDING
    return cycle, decision


def _resubmit(cycle: Cycle, cast: Any) -> Dossier:
    save(answer_for(cycle, "1a"), cast.contributor, narrative="Amended as the committee asked.")
    return cycle_services.cycle_submit(
        cycle=cycle, user=cast.representative, declaration_accepted=True, password=factories.PASSWORD
    )


def test_an_appeal_before_the_resubmission_is_still_possible(
    cast: Any, framework: FrameworkVersion, members: list[Any], assessment_only: Contract
) -> None:
    _cycle, decision = _amending(cast, framework, members)
    assert services.appeal_refusal(decision) is None


def test_after_the_resubmission_the_appeal_is_refused_with_the_reason(
    cast: Any, framework: FrameworkVersion, members: list[Any], assessment_only: Contract
) -> None:
    cycle, decision = _amending(cast, framework, members)
    dossier = _resubmit(cycle, cast)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.SUBMITTED and dossier.number == 2
    reason = services.appeal_refusal(decision)
    assert reason is not None and ALREADY in reason
    with pytest.raises(Invalid) as refused:
        services.appeal_lodge(decision=decision, user=cast.representative, grounds="Area 1a was met.")
    assert ALREADY in refused.value.message
    assert not Appeal.objects.exists()


def test_the_pages_say_why_and_offer_no_appeal_button(
    cast: Any, framework: FrameworkVersion, members: list[Any], assessment_only: Contract
) -> None:
    cycle, decision = _amending(cast, framework, members)
    client = cast.client_for("representative")
    lodge = reverse("decisions:appeal_lodge", args=[decision.pk])
    before = client.get(reverse("decisions:detail", args=[decision.pk])).content.decode()
    assert lodge in before  # the button is there while an appeal can be lodged
    _resubmit(cycle, cast)
    page = client.get(reverse("decisions:detail", args=[decision.pk]))
    assert page.status_code == 200
    assert ALREADY in page.content.decode() and lodge not in page.content.decode()
    form = client.get(lodge)
    assert ALREADY in form.content.decode()
    posted = client.post(lodge, {"grounds": "Area 1a was met."})
    assert ALREADY in posted.content.decode()
    assert not Appeal.objects.exists()
