"""The cycle lifecycle under random sequences of allowed and forbidden actions by random roles.

Invariants after every step: every frozen dossier still hashes to its SHA-256 and never changes;
every state change has its event; no answer is lost (the count stays, and each answer's content
only changes through a save that was accepted); a decided cycle is never edited; at most one
cycle of the facility is open.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from iasios.applications import services
from iasios.applications.access import answer_is_reopened
from iasios.applications.dossier import dossier_verify
from iasios.applications.models import Answer, Claim, Cycle, CycleStatus, Dossier
from iasios.assessment import selectors as assessment_selectors
from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from iasios.cycles import services as cycle_services
from tests.applications.helpers import fill_core, submit

pytestmark = pytest.mark.django_db

ROLES = ["representative", "contact", "contributor", "read_only", "outsider", "office", "assessor", "committee"]
REFUSALS = (PermissionDenied, TransitionNotAllowed, ValidationError)


def mostly(role: str | None) -> st.SearchStrategy[str | None]:
    """Usually the role that may take the action, otherwise anyone (so refusals are tried too)."""
    return st.one_of(st.just(role), st.sampled_from([*ROLES, None]))


@pytest.fixture
def world(cycle: Cycle, enrolled: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Cycle, Any]:
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: True)
    fill_core(cycle, enrolled.contributor)
    return cycle, enrolled


def test_cycle_lifecycle_keeps_its_invariants(world: tuple[Cycle, Any]) -> None:
    cycle, cast = world
    visited: set[str] = set()

    class CycleMachine(RuleBasedStateMachine):
        @initialize()
        def start(self) -> None:
            self.cycle = Cycle.objects.get(pk=cycle.pk)
            self.answer_ids = list(
                Answer.objects.filter(cycle=cycle).order_by("requirement__position").values_list("pk", flat=True)
            )
            self.contents = self._contents()
            self.hashes: dict[int, str] = {d.number: d.sha256 for d in Dossier.objects.filter(cycle=cycle)}
            self.transitions = self._transition_events()
            self.expected_transitions = self.transitions

        # ----------------------------------------------------------------- helpers

        def _contents(self) -> dict[Any, tuple[str, str, str]]:
            return {
                a.pk: (a.claim, a.narrative, a.na_reason)
                for a in Answer.objects.filter(cycle=cycle).only("claim", "narrative", "na_reason")
            }

        def _transition_events(self) -> int:
            return Event.objects.for_object(cycle).exclude(to_state="").exclude(action="cycle_started").count()

        def _status(self) -> str:
            return Cycle.objects.only("status").get(pk=cycle.pk).status

        def _try(self, action: Any) -> bool:
            before = self._status()
            try:
                action()
            except REFUSALS:
                assert self._status() == before, "a refused action changed the state"
                return False
            after = self._status()
            if after != before:
                self.expected_transitions += 1
                visited.add(after)
            return True

        def _who(self, role: str | None) -> Any:
            return getattr(cast, role) if role else None

        def _answer(self, index: int) -> Answer:
            pk = self.answer_ids[index % len(self.answer_ids)]
            return Answer.objects.select_related("cycle__facility", "requirement__standard").get(pk=pk)

        # ----------------------------------------------------------------- actions

        @rule(role=mostly("contributor"), index=st.integers(0, 200), text=st.text(max_size=30))
        def edit_answer(self, role: str | None, index: int, text: str) -> None:
            answer = self._answer(index)
            status = self._status()
            data = services.AnswerInput(claim=Claim.MET, na_reason="", narrative=f"edit {text}", assignee_id=None)
            accepted = self._try(
                lambda: services.answer_save(
                    answer=answer, user=self._who(role), base_revision=answer.revision, data=data
                )
            )
            if accepted:
                assert status in {CycleStatus.DRAFT, CycleStatus.RETURNED, CycleStatus.AMENDING}
                assert status != CycleStatus.AMENDING or answer_is_reopened(answer)
                self.contents = self._contents()

        @rule(role=mostly("representative"))
        def submit_(self, role: str | None) -> None:
            if self._try(lambda: submit(self.cycle, self._who(role))):
                latest = Dossier.objects.filter(cycle=cycle).order_by("-number").first()
                assert latest is not None and latest.number == len(self.hashes) + 1
                self.hashes[latest.number] = latest.sha256

        @rule(index=st.integers(0, 200))
        def advance(self, index: int) -> None:
            """The next step of the usual path, by the right person (so the walks reach every state)."""
            status = self._status()
            if status in {CycleStatus.DRAFT, CycleStatus.RETURNED, CycleStatus.AMENDING}:
                self.submit_("representative")
            elif status == CycleStatus.SUBMITTED:
                # The office's triage: now and then a return, so the walks reach "returned" by the usual path too.
                if index % 4 == 0:
                    self.return_("office", "Fix the rota.")
                else:
                    self.start_assessment("office")
            elif status == CycleStatus.IN_ASSESSMENT:
                self.send_to_committee("office")
            elif status == CycleStatus.WITH_COMMITTEE:
                self.decide(None)
            else:
                self.reopen("committee", index)

        @rule(role=mostly("office"), reason=st.sampled_from(["", "Fix the rota."]))
        def return_(self, role: str | None, reason: str) -> None:
            self._try(lambda: cycle_services.cycle_return(cycle=self.cycle, actor=self._who(role), reason=reason))

        @rule(role=mostly("office"))
        def start_assessment(self, role: str | None) -> None:
            self._try(lambda: cycle_services.cycle_start_assessment(cycle=self.cycle, actor=self._who(role)))

        @rule(role=mostly("office"))
        def send_to_committee(self, role: str | None) -> None:
            self._try(lambda: cycle_services.cycle_send_to_committee(cycle=self.cycle, actor=self._who(role)))

        @rule(role=mostly(None))
        def decide(self, role: str | None) -> None:
            self._try(lambda: cycle_services.cycle_mark_decided(cycle=self.cycle, actor=self._who(role)))

        @rule(role=mostly("committee"), index=st.integers(0, 200))
        def reopen(self, role: str | None, index: int) -> None:
            requirement = self._answer(index).requirement_id
            self._try(
                lambda: cycle_services.cycle_reopen_for_amendment(
                    cycle=self.cycle, requirement_ids=[requirement], actor=self._who(role)
                )
            )

        @rule(role=mostly("office"), reason=st.sampled_from(["", "Appeal upheld."]))
        def reconsider(self, role: str | None, reason: str) -> None:
            self._try(lambda: cycle_services.cycle_reconsider(cycle=self.cycle, actor=self._who(role), reason=reason))

        # ----------------------------------------------------------------- invariants

        @invariant()
        def dossiers_are_frozen(self) -> None:
            dossiers = {d.number: d for d in Dossier.objects.filter(cycle=cycle)}
            assert {n: d.sha256 for n, d in dossiers.items()} == self.hashes
            assert all(dossier_verify(d) for d in dossiers.values())

        @invariant()
        def every_state_change_has_its_event(self) -> None:
            assert self._transition_events() == self.expected_transitions

        @invariant()
        def no_answer_is_lost(self) -> None:
            assert (
                list(Answer.objects.filter(cycle=cycle).order_by("requirement__position").values_list("pk", flat=True))
                == self.answer_ids
            )
            assert self._contents() == self.contents

        @invariant()
        def one_open_cycle(self) -> None:
            assert Cycle.objects.open().filter(facility=cycle.facility).count() <= 1

    CycleMachine.TestCase.settings = settings(
        max_examples=40,
        stateful_step_count=50,
        # A fixed seed: the same walks on every run, so the coverage assertion below is stable.
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    # Every example starts from the filled draft: roll the database back to it before each one.
    with transaction.atomic():
        start_point = transaction.savepoint()
        original_init = CycleMachine.__init__

        def init(self: Any) -> None:
            transaction.savepoint_rollback(start_point)
            original_init(self)

        CycleMachine.__init__ = init  # type: ignore[method-assign]
        CycleMachine.TestCase("runTest").runTest()
    # The random walks reached every state of the lifecycle, not only the refusals.
    assert visited == set(CycleStatus.values) - {CycleStatus.DRAFT}, visited
