"""Starting an application: Enrolled Centres only, one open cycle, pinned standards, one answer per requirement."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from iasios.applications.models import Answer, Cycle, CycleStatus
from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from iasios.cycles import services as cycle_services
from iasios.standards.models import Requirement
from tests.applications.conftest import enrol

pytestmark = pytest.mark.django_db


def test_start_pins_current_framework_and_creates_one_answer_per_requirement(enrolled: Any, framework: Any) -> None:
    cycle = cycle_services.cycle_start(facility=enrolled.facility, user=enrolled.contributor)
    assert cycle.framework == framework
    assert cycle.status == CycleStatus.DRAFT
    requirements = Requirement.objects.filter(framework=framework).count()
    assert requirements > 0
    assert Answer.objects.filter(cycle=cycle).count() == requirements
    assert set(Answer.objects.filter(cycle=cycle).values_list("revision", flat=True)) == {0}
    assert Event.objects.for_object(cycle).filter(action="cycle_started").count() == 1
    # Answers keep history from their first row.
    assert Answer.history.filter(cycle_id=cycle.pk).count() == requirements


def test_start_refused_unless_enrolled(cast: Any, framework: Any) -> None:
    with pytest.raises(TransitionNotAllowed, match="Enrolled Centre"):
        cycle_services.cycle_start(facility=cast.facility, user=cast.representative)
    assert not Cycle.objects.exists()


@pytest.mark.parametrize("who", ["read_only", "outsider", "office"])
def test_start_refused_for_non_editors(enrolled: Any, framework: Any, who: str) -> None:
    with pytest.raises(PermissionDenied):
        cycle_services.cycle_start(facility=enrolled.facility, user=getattr(enrolled, who))
    assert not Cycle.objects.exists()


def test_at_most_one_open_cycle(enrolled: Any, framework: Any) -> None:
    cycle_services.cycle_start(facility=enrolled.facility, user=enrolled.contact)
    with pytest.raises(TransitionNotAllowed, match="already has an open application"):
        cycle_services.cycle_start(facility=enrolled.facility, user=enrolled.representative)
    assert Cycle.objects.filter(facility=enrolled.facility).count() == 1


def test_other_facility_can_start_its_own(enrolled: Any, framework: Any) -> None:
    cycle_services.cycle_start(facility=enrolled.facility, user=enrolled.contact)
    enrol(enrolled.other_facility)
    other = cycle_services.cycle_start(facility=enrolled.other_facility, user=enrolled.outsider)
    assert other.facility == enrolled.other_facility


def test_start_page(enrolled: Any, framework: Any) -> None:
    client = enrolled.client_for("contributor")
    response = client.post(reverse("applications:start", args=[enrolled.facility.pk]))
    cycle = Cycle.objects.get(facility=enrolled.facility)
    assert response.status_code == 302
    assert response["Location"] == reverse("applications:workspace", args=[cycle.pk])
    again = client.post(reverse("applications:start", args=[enrolled.facility.pk]), follow=True)
    assert "already has an open application" in again.content.decode()
    assert Cycle.objects.filter(facility=enrolled.facility).count() == 1


def test_index_offers_start_to_editors_only(enrolled: Any, framework: Any) -> None:
    start_url = reverse("applications:start", args=[enrolled.facility.pk])
    assert start_url in enrolled.client_for("contact").get(reverse("applications:index")).content.decode()
    assert start_url not in enrolled.client_for("read_only").get(reverse("applications:index")).content.decode()


def test_no_initial_application_while_an_award_is_current(
    enrolled: Any, framework: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page hides the button; the service refuses too (the API and any other caller)."""
    from iasios.decisions import selectors as decision_selectors

    award = SimpleNamespace(valid_until=datetime.date(2030, 1, 31))  # the page says when it ends
    monkeypatch.setattr(
        decision_selectors, "current_award", lambda facility: award if facility == enrolled.facility else None
    )
    monkeypatch.setattr(decision_selectors, "recertification_open", lambda facility, today=None: False)
    monkeypatch.setattr(decision_selectors, "recertification_opens_on", lambda award: datetime.date(2029, 1, 31))
    with pytest.raises(TransitionNotAllowed, match="re-certification"):
        cycle_services.cycle_start(facility=enrolled.facility, user=enrolled.representative)
    assert not Cycle.objects.filter(facility=enrolled.facility).exists()
    response = enrolled.client_for("contributor").post(
        reverse("applications:start", args=[enrolled.facility.pk]), follow=True
    )
    assert "holds a current award" in response.content.decode()
    assert not Cycle.objects.filter(facility=enrolled.facility).exists()
    # Another facility without an award starts as usual.
    enrol(enrolled.other_facility)
    assert cycle_services.cycle_start(facility=enrolled.other_facility, user=enrolled.outsider).kind == "initial"


def test_a_real_current_award_refuses_a_new_initial_application(enrolled: Any, framework: Any) -> None:
    from datetime import date, timedelta

    from iasios.decisions.models import Award, AwardLevel, Decision

    previous = Cycle.objects.create(facility=enrolled.facility, framework=framework, status=CycleStatus.DECIDED)
    decision = Decision.objects.create(cycle=previous, round=1, status="decided", outcome="accredited")
    today = date.today()
    Award.objects.create(
        facility=enrolled.facility,
        cycle=previous,
        decision=decision,
        level=AwardLevel.ACCREDITED,
        valid_from=today - timedelta(days=30),
        valid_until=today + timedelta(days=700),
        status_changed_on=today,
    )
    with pytest.raises(TransitionNotAllowed, match="holds a current award"):
        cycle_services.cycle_start(facility=enrolled.facility, user=enrolled.contact)
    assert Cycle.objects.filter(facility=enrolled.facility).count() == 1
