"""Random sequences of award actions never give a facility two current awards (nor two awards
not yet in force), an award granted on re-certification never overlaps the current one, and every
state change leaves an event."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from iasios.accounts.roles import ProgrammeRoleName
from iasios.applications.models import Cycle, CycleKind
from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from iasios.decisions import services
from iasios.decisions.models import CURRENT_AWARD_STATES, Award, AwardStatus, Decision
from tests import factories

pytestmark = pytest.mark.django_db

START = date(2020, 1, 1)
_rounds = itertools.count(1)


class AwardMachine(RuleBasedStateMachine):
    framework: Any = None

    @initialize()
    def setup(self) -> None:
        self.facility = factories.make_facility()
        self.office = factories.make_staff(ProgrammeRoleName.OFFICE, mfa=False)
        self.cycle = Cycle.objects.create(facility=self.facility, framework=self.framework)
        Cycle.objects.filter(pk=self.cycle.pk).update(status="decided")
        self.recertification = Cycle.objects.create(
            facility=self.facility, framework=self.framework, kind=CycleKind.RECERTIFICATION
        )
        Cycle.objects.filter(pk=self.recertification.pk).update(status="decided")
        self.today = START

    def _awards(self) -> list[Award]:
        return list(Award.objects.filter(facility=self.facility))

    @rule(days=st.integers(min_value=0, max_value=800), level=st.sampled_from(["accredited", "centre_of_excellence"]))
    def grant(self, days: int, level: str) -> None:
        self.today += timedelta(days=days)
        decision = Decision.objects.create(
            cycle=self.cycle, round=next(_rounds), status="decided", outcome=level, decided_on=self.today
        )
        services.award_grant(decision=decision)

    @rule(days=st.integers(min_value=0, max_value=1600), level=st.sampled_from(["accredited", "centre_of_excellence"]))
    def recertify(self, days: int, level: str) -> None:
        """A re-certification's award: pending while the current one runs, else in force at once."""
        self.today += timedelta(days=days)
        current = Award.objects.filter(facility=self.facility, status__in=CURRENT_AWARD_STATES).first()
        decision = Decision.objects.create(
            cycle=self.recertification, round=next(_rounds), status="decided", outcome=level, decided_on=self.today
        )
        award = services.award_grant(decision=decision)
        if current is not None and current.valid_until >= self.today:
            assert award.status == AwardStatus.PENDING
            assert award.valid_from == current.valid_until + timedelta(days=1)
        else:
            assert (award.status, award.valid_from) == (AwardStatus.VALID, self.today)

    def _pick(self, index: int) -> Award | None:
        awards = self._awards()
        return awards[index % len(awards)] if awards else None

    @rule(
        index=st.integers(0, 20), action=st.sampled_from(["suspend", "reinstate", "withdraw"]), by_office=st.booleans()
    )
    def office_action(self, index: int, action: str, by_office: bool) -> None:
        award = self._pick(index)
        if award is None:
            return
        service = {"suspend": services.award_suspend, "reinstate": services.award_reinstate}.get(
            action, services.award_withdraw
        )
        actor = self.office if by_office else None
        before = award.status
        try:
            service(award=award, actor=actor, reason="because")
        except (TransitionNotAllowed, PermissionDenied):
            award.refresh_from_db()
            assert award.status == before  # a refused action changes nothing

    @rule(days=st.integers(min_value=0, max_value=2000))
    def sweep(self, days: int) -> None:
        self.today += timedelta(days=days)
        services.award_sweep(today=self.today)
        assert not Award.objects.filter(
            facility=self.facility, status__in=CURRENT_AWARD_STATES, valid_until__lt=self.today
        ).exists()

    @invariant()
    def at_most_one_current_and_valid_award(self) -> None:
        if not hasattr(self, "facility"):
            return
        awards = self._awards()
        assert sum(a.status == AwardStatus.VALID for a in awards) <= 1
        assert sum(a.status in CURRENT_AWARD_STATES for a in awards) <= 1
        assert sum(a.status == AwardStatus.PENDING for a in awards) <= 1

    @invariant()
    def the_next_award_starts_after_the_current_one(self) -> None:
        if not hasattr(self, "facility"):
            return
        awards = self._awards()
        pending = [a for a in awards if a.status == AwardStatus.PENDING]
        current = [a for a in awards if a.status in CURRENT_AWARD_STATES]
        if pending and current:
            assert pending[0].valid_from == current[0].valid_until + timedelta(days=1)

    @invariant()
    def every_state_change_has_an_event(self) -> None:
        if not hasattr(self, "facility"):
            return
        for award in self._awards():
            events = list(Event.objects.for_object(award).order_by("id"))
            assert events[0].action == "grant"
            changes = [e for e in events if e.from_state or e.to_state]
            # The event chain replays to the current state.
            state = ""
            for event in changes:
                assert event.from_state == state or event.action == "grant"
                state = event.to_state
            assert state == award.status


def test_awards_stay_consistent(framework: Any) -> None:
    AwardMachine.framework = framework
    run_state_machine_as_test(
        AwardMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=15,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def test_a_sweep_after_a_whole_term_without_one_starts_and_ends_the_next_award(framework: Any) -> None:
    """Found by the machine above: the next award began and ended while no sweep ran."""
    AwardMachine.framework = framework
    machine = AwardMachine()
    machine.setup()
    machine.grant(days=0, level="accredited")
    machine.recertify(days=939, level="accredited")
    machine.sweep(days=1985)
    statuses = sorted(Award.objects.filter(facility=machine.facility).values_list("status", flat=True))
    assert statuses == sorted([AwardStatus.SUPERSEDED, AwardStatus.EXPIRED])
    machine.every_state_change_has_an_event()
