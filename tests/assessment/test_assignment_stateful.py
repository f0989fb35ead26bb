"""Assignments under random sequences of allowed and forbidden actions by random people.

Invariants after every step: at most two active assignments per cycle; a conflicted assessor
(same country, same institution) is never assigned; an assessor never sees another assessor's
ratings before submitting their own review (reviews.visible_ratings); every status change has
exactly one event, chaining up to the current status; a refused action changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from iasios.accounts.models import User
from iasios.assessment import reviews, services
from iasios.assessment.models import ACTIVE_ASSIGNMENT_STATES, Assignment, AssignmentStatus, RequirementRating
from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from tests.assessment.builders import World, rate_all, requirements

pytestmark = pytest.mark.django_db

REFUSALS = (PermissionDenied, TransitionNotAllowed, ValidationError)
ASSESSORS = ["a", "b", "spare", "same_country", "same_institution"]
CONFLICTED = ["same_country", "same_institution"]
PEOPLE = [*ASSESSORS, "office", None]


def test_assignments_keep_their_invariants(world: World) -> None:
    cycle = world.cycle
    reqs = requirements(cycle)
    visited: set[str] = set()
    actions_taken: set[str] = set()

    class AssignmentMachine(RuleBasedStateMachine):
        @initialize()
        def start(self) -> None:
            self.expected_changes: dict[Any, int] = {}

        # ----------------------------------------------------------------- helpers

        def _who(self, who: str | None) -> Any:
            if who is None:
                return None
            user = world.office if who == "office" else getattr(world, who)
            return User.objects.get(pk=user.pk)  # fresh: no role or assignment caches between steps

        def _assignments(self) -> list[Assignment]:
            return list(Assignment.objects.filter(cycle=cycle).order_by("created_at", "pk"))

        def _pick(self, index: int) -> Assignment | None:
            assignments = self._assignments()
            return assignments[index % len(assignments)] if assignments else None

        def _own(self, who: str) -> Assignment | None:
            return (
                Assignment.objects.filter(
                    cycle=cycle, assessor=getattr(world, who), status__in=ACTIVE_ASSIGNMENT_STATES
                )
                .order_by("-created_at")
                .first()
            )

        def _snapshot(self) -> tuple[Any, ...]:
            return (
                tuple(Assignment.objects.filter(cycle=cycle).order_by("pk").values_list("pk", "status")),
                Event.objects.count(),
            )

        def _try(self, name: str, assignment: Assignment | None, action: Any) -> Any:
            before = self._snapshot()
            status = assignment.status if assignment else None
            try:
                result = action()
            except REFUSALS:
                assert self._snapshot() == before, f"a refused {name} changed something"
                return None
            if assignment is not None:
                after = Assignment.objects.get(pk=assignment.pk).status
                if after != status:
                    self.expected_changes[assignment.pk] += 1
                    visited.add(after)
            actions_taken.add(name)
            return result

        # ----------------------------------------------------------------- actions

        @rule(who=st.sampled_from(ASSESSORS), by=st.sampled_from(["office", "office", "office", "a", None]))
        def assign(self, who: str, by: str | None) -> None:
            created = self._try(
                "assign",
                None,
                lambda: services.assignment_create(cycle=cycle, assessor=self._who(who), actor=self._who(by)),
            )
            if created is not None:
                assert who not in CONFLICTED
                self.expected_changes[created.pk] = 1
                visited.add(created.status)

        @rule(index=st.integers(0, 20), own=st.booleans(), no_conflict=st.booleans())
        def accept(self, index: int, own: bool, no_conflict: bool) -> None:
            assignment = self._pick(index)
            if assignment is None:
                return
            user = User.objects.get(pk=assignment.assessor_id) if own else self._who("spare")
            self._try(
                "accept",
                assignment,
                lambda: services.assignment_accept(assignment=assignment, user=user, no_conflict=no_conflict),
            )

        @rule(index=st.integers(0, 20), own=st.booleans(), reason=st.sampled_from(["", "Too busy this month."]))
        def decline(self, index: int, own: bool, reason: str) -> None:
            assignment = self._pick(index)
            if assignment is None:
                return
            user = User.objects.get(pk=assignment.assessor_id) if own else self._who("office")
            self._try(
                "decline",
                assignment,
                lambda: services.assignment_decline(assignment=assignment, user=user, reason=reason),
            )

        @rule(
            index=st.integers(0, 20),
            # Mostly the office with a reason (the walk must reach "withdrawn"), sometimes refused.
            by=st.sampled_from(["office", "office", "office", "a", None]),
            reason=st.sampled_from(["Conflict found late.", "Conflict found late.", ""]),
        )
        def withdraw(self, index: int, by: str | None, reason: str) -> None:
            assignment = self._pick(index)
            if assignment is None:
                return
            self._try(
                "withdraw",
                assignment,
                lambda: services.assignment_withdraw(assignment=assignment, actor=self._who(by), reason=reason),
            )

        @rule(
            who=st.sampled_from(ASSESSORS),
            on=st.sampled_from(["a", "b", "spare"]),
            index=st.integers(0, 200),
            rating=st.sampled_from(["met", "partly_met", "not_met", "bogus"]),
            comment=st.sampled_from(["", "Rota incomplete."]),
            own=st.booleans(),
        )
        def rate(self, who: str, on: str, index: int, rating: str, comment: str, own: bool) -> None:
            who = on if own else who
            assignment = self._own(on)
            if assignment is None:
                return
            requirement = reqs[index % len(reqs)]
            before = RequirementRating.objects.count()
            saved = self._try(
                "rate",
                assignment,
                lambda: services.rating_save(
                    assignment=assignment, user=self._who(who), requirement=requirement, rating=rating, comment=comment
                ),
            )
            if saved is None:
                assert RequirementRating.objects.count() == before
            else:
                assert who == on and assignment.status == AssignmentStatus.ACCEPTED

        @rule(who=st.sampled_from(["a", "b", "spare"]), own=st.booleans())
        def submit(self, who: str, own: bool) -> None:
            assignment = self._own(who)
            if assignment is None:
                return
            user = self._who(who if own else "office")
            self._try("submit", assignment, lambda: services.review_submit(assignment=assignment, user=user))

        @rule(who=st.sampled_from(["a", "b", "spare"]))
        def advance(self, who: str) -> None:
            """The usual path for one assessor: assigned, accepts, rates everything, submits."""
            assignment = self._own(who)
            if assignment is None:
                self.assign(who, "office")
            elif assignment.status == AssignmentStatus.PROPOSED:
                self.accept_own(who)
            elif assignment.status == AssignmentStatus.ACCEPTED:
                user = self._who(who)
                if reviews.review_missing(assignment):
                    self.rate(who, who, len(reqs) - 1, "not_met", "Rota incomplete.", True)
                    rate_all(assignment, user, default="met" if who == "a" else "partly_met")
                    actions_taken.add("rate_all")
                    return
                self._try("submit", assignment, lambda: services.review_submit(assignment=assignment, user=user))

        def accept_own(self, who: str) -> None:
            assignment = self._own(who)
            assert assignment is not None
            user = self._who(who)
            self._try(
                "accept",
                assignment,
                lambda: services.assignment_accept(assignment=assignment, user=user, no_conflict=True),
            )

        # ----------------------------------------------------------------- invariants

        @invariant()
        def at_most_two_active(self) -> None:
            assert Assignment.objects.filter(cycle=cycle, status__in=ACTIVE_ASSIGNMENT_STATES).count() <= 2

        @invariant()
        def conflicted_never_assigned(self) -> None:
            conflicted = [getattr(world, who) for who in CONFLICTED]
            assert not Assignment.objects.filter(cycle=cycle, assessor__in=conflicted).exists()

        @invariant()
        def nobody_sees_others_ratings_before_submitting(self) -> None:
            for who in ASSESSORS:
                user = self._who(who)
                own = Assignment.objects.filter(cycle=cycle, assessor=user).order_by("-created_at").first()
                seen = {r.assignment.assessor_id for r in reviews.visible_ratings(user, cycle)}
                if own is None or own.status != AssignmentStatus.SUBMITTED:
                    assert seen <= {user.pk}, (who, own and own.status)
                    others = RequirementRating.objects.filter(assignment__cycle=cycle).exclude(
                        assignment__assessor=user
                    )
                    if own is not None and own.status == AssignmentStatus.ACCEPTED and others.exists():
                        actions_taken.add("others_ratings_hidden")

        @invariant()
        def every_status_change_has_its_event(self) -> None:
            for assignment in self._assignments():
                changes = list(Event.objects.for_object(assignment).exclude(to_state="").order_by("id"))
                assert len(changes) == self.expected_changes[assignment.pk]
                state = ""
                for event in changes:
                    assert event.from_state == state
                    state = event.to_state
                assert state == assignment.status

    AssignmentMachine.TestCase.settings = settings(
        max_examples=50,
        stateful_step_count=30,
        # A fixed seed: the same walks on every run, so the coverage assertions below are stable.
        derandomize=True,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    # Every example starts from the cycle in assessment with no assignment: roll back to it.
    with transaction.atomic():
        start_point = transaction.savepoint()
        original_init = AssignmentMachine.__init__

        def init(self: Any) -> None:
            transaction.savepoint_rollback(start_point)
            original_init(self)

        AssignmentMachine.__init__ = init  # type: ignore[method-assign]
        AssignmentMachine.TestCase("runTest").runTest()
    assert visited == set(AssignmentStatus.values), visited
    assert actions_taken >= {
        "assign",
        "accept",
        "decline",
        "withdraw",
        "rate",
        "rate_all",
        "submit",
        "others_ratings_hidden",
    }, actions_taken
