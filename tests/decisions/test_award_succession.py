"""Centre of Excellence only in a re-certification of a centre holding an accredited award in force,
and a re-certification's award starts the day after the current one ends (no overlap, no gap)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from iasios.api.services import token_create
from iasios.applications.models import Cycle, CycleKind
from iasios.assessment import rules
from iasios.assessment import selectors as assessment_selectors
from iasios.core.models import Event
from iasios.core.refusals import Invalid
from iasios.cycles import committee
from iasios.decisions import selectors, services
from iasios.decisions.models import Award, AwardStatus, Decision, Outcome
from iasios.facilities.models import Facility
from tests.decisions.conftest import Contract, committee_cycle, decide, granted, recommended

pytestmark = pytest.mark.django_db

FIRST = date(2020, 6, 1)  # the first award: 2020-06-01 to 2024-06-01
DECIDED = date(2023, 10, 2)  # the re-certification's decision, eight months before the first award ends
STARTS = date(2024, 6, 2)  # the day after the first award ends


def recertification_cycle(cast: Any, framework: Any) -> Cycle:
    cycle = committee_cycle(cast.facility, framework, cast.representative)
    Cycle.objects.filter(pk=cycle.pk).update(kind=CycleKind.RECERTIFICATION)
    cycle.refresh_from_db()
    return cycle


def _vote_page(cast: Any, cycle: Cycle) -> str:
    response = cast.client_for("committee").get(f"/committee/cycles/{cycle.pk}/")
    assert response.status_code == 200
    return response.content.decode()


# ----------------------------------------------------------------------------- which outcomes a cycle allows


def test_an_initial_cycle_offers_no_centre_of_excellence(cast: Any, cycle: Cycle) -> None:
    assert Outcome.CENTRE_OF_EXCELLENCE not in selectors.allowed_outcomes(cycle)
    assert set(selectors.allowed_outcomes(cycle)) == {
        Outcome.ACCREDITED,
        Outcome.AREAS_TO_AMEND,
        Outcome.NOT_ACCREDITED,
    }
    page = _vote_page(cast, cycle)
    assert 'value="accredited"' in page
    assert 'value="centre_of_excellence"' not in page


def test_the_service_refuses_centre_of_excellence_on_an_initial_cycle(
    cycle: Any, members: list[Any], contract: Contract
) -> None:
    with pytest.raises(Invalid) as refused:
        committee.vote_cast(cycle=cycle, member=members[0], outcome=Outcome.CENTRE_OF_EXCELLENCE, today=DECIDED)
    assert refused.value.field == "outcome"
    assert "re-certification" in str(refused.value.message)
    assert not Decision.objects.filter(cycle=cycle, votes__isnull=False).exists()


def test_the_vote_form_refuses_a_posted_centre_of_excellence(cast: Any, cycle: Cycle) -> None:
    response = cast.client_for("committee").post(
        f"/committee/cycles/{cycle.pk}/", {"outcome": Outcome.CENTRE_OF_EXCELLENCE}
    )
    assert response.status_code == 400
    assert not Decision.objects.filter(cycle=cycle, votes__isnull=False).exists()


def test_the_api_refuses_centre_of_excellence_on_an_initial_cycle(cast: Any, cycle: Cycle) -> None:
    _token, raw = token_create(user=cast.committee, name="t")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    queue = api.get("/api/v1/decisions/committee/queue").json()
    assert queue[0]["allowed_outcomes"] == ["accredited", "areas_to_amend", "not_accredited"]
    response = api.post(
        f"/api/v1/decisions/committee/cycles/{cycle.pk}/vote",
        {"outcome": "centre_of_excellence"},
        content_type="application/json",
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert [f["field"] for f in error["fields"]] == ["outcome"] and "re-certification" in error["message"]


def test_a_recertification_of_an_accredited_centre_allows_centre_of_excellence(
    cast: Any, framework: Any, members: list[Any], contract: Contract
) -> None:
    granted(cast, framework, members, timezone.localdate() - timedelta(days=1200))
    cycle = recertification_cycle(cast, framework)
    assert Outcome.CENTRE_OF_EXCELLENCE in selectors.allowed_outcomes(cycle)
    assert 'value="centre_of_excellence"' in _vote_page(cast, cycle)
    # On the day after the award's term (the sweep not yet run) it is no longer in force.
    ended = selectors.current_award(cast.facility).valid_until + timedelta(days=1)
    assert Outcome.CENTRE_OF_EXCELLENCE not in selectors.allowed_outcomes(cycle, today=ended)


@pytest.mark.parametrize("history", ["none", "suspended", "expired", "withdrawn"])
def test_no_centre_of_excellence_without_an_accredited_award_in_force(
    cast: Any, framework: Any, members: list[Any], contract: Contract, history: str
) -> None:
    if history != "none":
        award = granted(cast, framework, members, FIRST)
        if history == "suspended":
            services.award_suspend(award=award, actor=cast.office, reason="Incident")
        elif history == "withdrawn":
            services.award_withdraw(award=award, actor=cast.office, reason="Fraud")
        else:
            services.award_sweep(today=date(2024, 6, 2))
    cycle = recertification_cycle(cast, framework)
    day = date(2024, 7, 1) if history == "expired" else DECIDED
    assert Outcome.CENTRE_OF_EXCELLENCE not in selectors.allowed_outcomes(cycle, today=day)
    with pytest.raises(Invalid):
        committee.vote_cast(cycle=cycle, member=members[0], outcome=Outcome.CENTRE_OF_EXCELLENCE, today=day)


def test_the_rule_engine_proposes_centre_of_excellence_only_with_an_award_in_force(
    cast: Any, framework: Any, members: list[Any], contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    every_met = [rules.RatedRequirement(1, True, "met"), rules.RatedRequirement(2, False, "met")]
    proposal = rules.propose_outcome(
        every_met, case_review_complete=True, recertification=True, accredited_award_in_force=False
    )
    assert proposal.outcome == rules.ACCREDITED
    proposal = rules.propose_outcome(
        every_met, case_review_complete=True, recertification=True, accredited_award_in_force=True
    )
    assert proposal.outcome == rules.CENTRE_OF_EXCELLENCE
    # The caller gives the fact: an award that ran its full term and expired is not in force.
    seen: list[bool] = []
    monkeypatch.undo()  # the real decisions.selectors.recommendation_for
    monkeypatch.setattr(
        assessment_selectors,
        "recommendation_for",
        lambda cycle, *, accredited_award_in_force: (
            seen.append(accredited_award_in_force) or recommended(Outcome.ACCREDITED)
        ),
    )
    cycle = recertification_cycle(cast, framework)
    selectors.recommendation_for(cycle, today=DECIDED)
    assert seen == [False]


# ----------------------------------------------------------------------------- succession


@pytest.fixture
def succession(cast: Any, framework: Any, members: list[Any], contract: Contract) -> tuple[Award, Award]:
    """An accredited centre re-certified as a Centre of Excellence eight months before its award ends."""
    Facility.objects.filter(pk=cast.facility.pk).update(status="enrolled")
    first = granted(cast, framework, members, FIRST)
    contract.recommendation = recommended(Outcome.CENTRE_OF_EXCELLENCE)
    cycle = recertification_cycle(cast, framework)
    second = decide(cycle, members, Outcome.CENTRE_OF_EXCELLENCE, DECIDED).award
    first.refresh_from_db()
    return first, second


def test_the_new_award_starts_the_day_after_the_current_one_ends(succession: tuple[Award, Award]) -> None:
    first, second = succession
    assert first.valid_until == date(2024, 6, 1) and first.status == AwardStatus.VALID
    assert second.valid_from == first.valid_until + timedelta(days=1) == STARTS
    assert second.status == AwardStatus.PENDING
    assert second.level == Outcome.CENTRE_OF_EXCELLENCE
    assert selectors.current_award(first.facility) == first
    # Its certificate is issued at the grant, showing the validity from the start date.
    certificate = second.certificate
    assert (certificate.issued_on, certificate.valid_from, certificate.valid_until) == (
        DECIDED,
        STARTS,
        second.valid_until,
    )


def test_an_accredited_recertification_also_starts_after_the_current_award(
    cast: Any, framework: Any, members: list[Any], contract: Contract
) -> None:
    first = granted(cast, framework, members, FIRST)
    second = decide(recertification_cycle(cast, framework), members, Outcome.ACCREDITED, DECIDED).award
    assert (second.status, second.valid_from) == (AwardStatus.PENDING, first.valid_until + timedelta(days=1))


def test_a_recertification_decided_after_the_award_expired_starts_on_the_decision(
    cast: Any, framework: Any, members: list[Any], contract: Contract
) -> None:
    granted(cast, framework, members, FIRST)
    services.award_sweep(today=date(2024, 6, 2))
    late = date(2024, 9, 1)
    second = decide(recertification_cycle(cast, framework), members, Outcome.ACCREDITED, late).award
    assert (second.status, second.valid_from) == (AwardStatus.VALID, late)


def _registry_level(cast: Any) -> tuple[str, str]:
    centre = Client().get("/registry.json").json()["centres"][0]
    assert centre["name"] == cast.facility.name
    return centre["level"], centre["valid_until"]


def test_registry_and_verification_show_the_current_seal_until_the_new_one_starts(
    cast: Any, succession: tuple[Award, Award]
) -> None:
    first, second = succession
    client = Client()
    # Before the day: the first award, with the next one named.
    call_command("sweep", "--today", "2024-06-01", verbosity=0)
    assert _registry_level(cast) == ("accredited", "2024-06-01")
    profile = client.get(f"/registry/{cast.facility.pk}/").content.decode()
    assert "Centre of Excellence" in profile and "2 June 2024" in profile
    old_page = client.get(first.certificate.verify_path).content.decode()
    assert "verify-valid" in old_page and "2 June 2024" in old_page
    new_page = client.get(second.certificate.verify_path).content.decode()
    assert "verify-pending" in new_page and str(AwardStatus.PENDING.label) in new_page

    # On the day, the sweep switches them.
    call_command("sweep", "--today", "2024-06-02", verbosity=0)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == AwardStatus.SUPERSEDED and first.status_changed_on == STARTS
    assert second.status == AwardStatus.VALID and second.status_changed_on == STARTS
    assert _registry_level(cast) == ("centre_of_excellence", second.valid_until.isoformat())
    assert "verify-superseded" in client.get(first.certificate.verify_path).content.decode()
    assert "verify-valid" in client.get(second.certificate.verify_path).content.decode()
    assert selectors.current_award(cast.facility) == second


def test_the_sweep_twice_does_nothing_more(succession: tuple[Award, Award]) -> None:
    first, second = succession
    result = services.award_sweep(today=STARTS)
    assert (result.superseded, result.started, result.expired) == ([first], [second], [])
    events = Event.objects.count()
    again = services.award_sweep(today=STARTS)
    assert (again.superseded, again.started, again.expired) == ([], [], [])
    assert services.award_sweep(today=STARTS + timedelta(days=3)).started == []
    assert Event.objects.count() == events


def test_an_upheld_appeal_withdraws_the_award_not_yet_in_force(
    cast: Any, succession: tuple[Award, Award], members: list[Any]
) -> None:
    first, second = succession
    appeal = services.appeal_lodge(decision=second.decision, user=cast.representative, grounds="x", today=DECIDED)
    committee.appeal_decide(appeal=appeal, member=members[4], upheld=True, reasons="Flawed", today=DECIDED)
    second.refresh_from_db()
    assert second.status == AwardStatus.WITHDRAWN
    services.award_sweep(today=STARTS)
    first.refresh_from_db()
    assert first.status == AwardStatus.EXPIRED
