"""Builders for the decisions and certificates tests: a cycle with the committee, members, stubs.

The cycle's transitions are stood in for where the committee's decision calls them
(`iasios.cycles.committee`), recording each call and moving the cycle's state the way the real
services do; the recommendation is stood in for where the decisions app reads it
(`iasios.decisions.selectors.recommendation_for`). `assessment_only` stands in for the
recommendation alone: the cycle then moves through the real cycle services.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from iasios.accounts.roles import ProgrammeRoleName
from iasios.applications.models import Answer, Cycle, Dossier
from iasios.assessment.selectors import Recommendation
from iasios.cycles import committee
from iasios.decisions import selectors
from iasios.decisions.models import Award, Decision, DecisionStatus, Outcome
from iasios.facilities.models import Facility
from iasios.standards.models import Requirement
from tests import factories

DOSSIER_HASH = "ab" * 32


def recommended(outcome: str, flagged: tuple[Any, ...] = ()) -> Recommendation:
    """A recommendation of `outcome`, flagging the requirements (ids) given."""
    return Recommendation(
        outcome=outcome,
        proposed_outcome=outcome,
        override_reason="",
        flagged_requirement_ids=list(flagged),
        reasons=[],
        ready=True,
    )


@dataclass
class Contract:
    """What the decisions app asked of the other apps."""

    recommendation: Recommendation = field(default_factory=lambda: recommended(Outcome.ACCREDITED))
    decided: list[Any] = field(default_factory=list)
    reopened: list[tuple[Any, list[Any]]] = field(default_factory=list)
    reconsidered: list[tuple[Any, Any, str]] = field(default_factory=list)


@pytest.fixture
def contract(monkeypatch: pytest.MonkeyPatch) -> Contract:
    calls = Contract()

    def mark_decided(*, cycle: Any, actor: Any = None) -> None:
        calls.decided.append(cycle.pk)
        Cycle.objects.filter(pk=cycle.pk).update(status="decided")

    def reopen(*, cycle: Any, requirement_ids: Any, actor: Any = None) -> None:
        calls.reopened.append((cycle.pk, list(requirement_ids)))
        Cycle.objects.filter(pk=cycle.pk).update(status="amending")

    def reconsider(*, cycle: Any, actor: Any, reason: str) -> None:
        calls.reconsidered.append((cycle.pk, actor, reason))
        Cycle.objects.filter(pk=cycle.pk).update(status="with_committee")

    monkeypatch.setattr(committee, "cycle_mark_decided", mark_decided)
    monkeypatch.setattr(committee, "cycle_reopen_for_amendment", reopen)
    monkeypatch.setattr(committee, "cycle_reconsider", reconsider)
    monkeypatch.setattr(selectors, "recommendation_for", lambda cycle, today=None: calls.recommendation)
    return calls


@pytest.fixture
def assessment_only(monkeypatch: pytest.MonkeyPatch) -> Contract:
    """Only the assessment's recommendation is stood in for; the cycle services are the real ones."""
    calls = Contract()
    monkeypatch.setattr(selectors, "recommendation_for", lambda cycle, today=None: calls.recommendation)
    return calls


def answered_committee_cycle(facility: Facility, framework: Any, signer: Any = None) -> Cycle:
    """As committee_cycle, with the cycle's answers (one per requirement), as the applications app keeps them."""
    cycle = committee_cycle(facility, framework, signer)
    Answer.objects.bulk_create(
        [Answer(cycle=cycle, requirement=r) for r in Requirement.objects.filter(framework=framework)]
    )
    return cycle


def committee_cycle(facility: Facility, framework: Any, signer: Any = None) -> Cycle:
    """A cycle of `facility` with the committee, with a frozen dossier."""
    cycle = Cycle.objects.create(facility=facility, framework=framework)
    Cycle.objects.filter(pk=cycle.pk).update(status="with_committee")
    cycle.refresh_from_db()
    Dossier.objects.create(
        cycle=cycle,
        snapshot={"answers": []},
        sha256=DOSSIER_HASH,
        signed_by=signer or factories.make_user(),
        declaration="We declare.",
    )
    return cycle


@pytest.fixture
def members(cast: Any) -> list[Any]:
    """Five committee members; the quorum of the shipped framework is 3."""
    return [cast.committee] + [
        factories.make_staff(ProgrammeRoleName.COMMITTEE, name=f"Member {i}") for i in range(2, 6)
    ]


@pytest.fixture
def cycle(cast: Any, framework: Any, contract: Contract) -> Cycle:
    return committee_cycle(cast.facility, framework, cast.representative)


def decide(cycle: Cycle, members: list[Any], outcome: str, today: date | None = None, **kw: Any) -> Decision:
    """Three members vote the same outcome: the decision is taken."""
    for member in members[:3]:
        committee.vote_cast(cycle=cycle, member=member, outcome=outcome, today=today, **kw)
    return Decision.objects.get(cycle=cycle, status=DecisionStatus.DECIDED)


def granted(cast: Any, framework: Any, members: list[Any], today: date | None = None) -> Award:
    """A facility's accredited award, by a real committee decision."""
    c = committee_cycle(cast.facility, framework, cast.representative)
    return decide(c, members, Outcome.ACCREDITED, today).award
