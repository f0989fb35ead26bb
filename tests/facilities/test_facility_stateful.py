"""The facility lifecycle under random sequences of allowed and forbidden actions by random people.

Invariants after every step: the status is one of FacilityStatus; every status change has exactly
one event whose from/to states chain up to the current status; a refused action changes nothing
(neither the state nor the events); there is at most one authorised representative; a lapsed
facility refuses joins; the public registry shows the facility exactly when it is listed and
enrolled.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from iasios.accounts.models import User
from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from iasios.facilities import services
from iasios.facilities.models import Facility, FacilityStatus, JoinRequest, JoinRequestStatus, Membership
from tests import factories

pytestmark = pytest.mark.django_db

REFUSALS = (PermissionDenied, TransitionNotAllowed, ValidationError, services.ActivationError)
ACTORS = ["office", "registrant", "representative", "stranger", None]

visited: set[str] = set()
actions_taken: set[str] = set()


def mostly(who: str | None) -> st.SearchStrategy[str | None]:
    """Usually the person who may take the action, otherwise anyone (so refusals are tried too)."""
    return st.one_of(st.just(who), st.sampled_from(ACTORS))


class FacilityMachine(RuleBasedStateMachine):
    @initialize(listed=st.booleans())
    def setup(self, listed: bool) -> None:
        self.registrant = factories.make_user()
        self.office = factories.make_staff(ProgrammeRoleName.OFFICE, mfa=False)
        self.stranger = factories.make_user()
        self.facility = factories.make_facility(
            status=FacilityStatus.PENDING_ACTIVATION, registered_by=self.registrant, listed_publicly=listed
        )
        factories.make_member(self.facility, FacilityRoleName.AUTHORISED_REPRESENTATIVE)
        from iasios.core.events import record_event

        record_event(obj=self.facility, action="registered", to_state=FacilityStatus.PENDING_ACTIVATION)
        self.expected_changes = 1

    # ----------------------------------------------------------------- helpers

    def _fresh(self) -> Facility:
        return Facility.objects.get(pk=self.facility.pk)

    def _events(self) -> int:
        return Event.objects.for_object(self.facility).count()

    def _who(self, who: str | None) -> Any:
        if who is None:
            return None
        if who == "representative":
            membership = Membership.objects.filter(
                facility=self.facility, role=FacilityRoleName.AUTHORISED_REPRESENTATIVE
            ).first()
            return User.objects.get(pk=membership.user_id) if membership else None
        return User.objects.get(pk=getattr(self, who).pk)

    def _try(self, name: str, action: Any) -> bool:
        before_status, before_events = self._fresh().status, self._events()
        try:
            action()
        except REFUSALS:
            assert self._fresh().status == before_status, f"a refused {name} changed the state"
            assert self._events() == before_events, f"a refused {name} left an event"
            return False
        after = self._fresh().status
        if after != before_status:
            self.expected_changes += 1
            visited.add(after)
        actions_taken.add(name)
        return True

    # ----------------------------------------------------------------- lifecycle actions

    @rule(own_link=st.booleans())
    def activate(self, own_link: bool) -> None:
        user = self.registrant if own_link else self.stranger
        token = services.activation_token(self._fresh(), user)
        self._try("activate", lambda: services.facility_activate(token=token))

    @rule(who=mostly("office"))
    def confirm(self, who: str | None) -> None:
        self._try("confirm", lambda: services.facility_confirm(facility=self._fresh(), actor=self._who(who)))

    @rule(who=mostly("office"), reason=st.sampled_from(["", "Not an IO service."]))
    def reject(self, who: str | None, reason: str) -> None:
        self._try(
            "reject", lambda: services.facility_reject(facility=self._fresh(), actor=self._who(who), reason=reason)
        )

    @rule(who=mostly(None))
    def enrol(self, who: str | None) -> None:
        self._try("enrol", lambda: services.facility_mark_enrolled(facility=self._fresh(), actor=self._who(who)))

    @rule(who=mostly(None), reason=st.sampled_from(["", "Annual fee unpaid."]))
    def lapse(self, who: str | None, reason: str) -> None:
        self._try("lapse", lambda: services.facility_lapse(facility=self._fresh(), actor=self._who(who), reason=reason))

    @rule(who=mostly(None))
    def restore(self, who: str | None) -> None:
        self._try("restore", lambda: services.facility_restore(facility=self._fresh(), actor=self._who(who)))

    @rule()
    def advance(self) -> None:
        """The next step of the usual path, by the right person (so the walks reach every state)."""
        status = self._fresh().status
        if status == FacilityStatus.PENDING_ACTIVATION:
            self.activate(True)
        elif status == FacilityStatus.REGISTERED:
            self.confirm("office")
        elif status == FacilityStatus.AWAITING_PAYMENT:
            self.enrol(None)
        elif status == FacilityStatus.ENROLLED:
            self.lapse(None, "Annual fee unpaid.")
        elif status == FacilityStatus.LAPSED:
            self.restore(None)

    # ----------------------------------------------------------------- team actions

    @rule()
    def join(self) -> None:
        user = factories.make_user()
        status = self._fresh().status
        joined = self._try("join", lambda: services.join_request_create(user=user, code=self._fresh().code))
        if status == FacilityStatus.LAPSED:
            assert not joined, "a lapsed facility accepted a join request"

    @rule(
        who=mostly("representative"),
        role=st.sampled_from([FacilityRoleName.CONTRIBUTOR, FacilityRoleName.CONTACT_PERSON, "authorised_rep"]),
    )
    def approve(self, who: str | None, role: str) -> None:
        request = JoinRequest.objects.filter(facility=self.facility, status=JoinRequestStatus.PENDING).first()
        if request is None:
            return
        self._try(
            "approve", lambda: services.join_request_approve(join_request=request, actor=self._who(who), role=role)
        )

    @rule(who=mostly("representative"), index=st.integers(0, 20))
    def remove(self, who: str | None, index: int) -> None:
        members = list(Membership.objects.filter(facility=self.facility).order_by("created_at", "pk"))
        membership = members[index % len(members)]
        self._try("remove", lambda: services.membership_remove(membership=membership, actor=self._who(who)))

    @rule(who=mostly("representative"), index=st.integers(0, 20))
    def handover(self, who: str | None, index: int) -> None:
        members = list(Membership.objects.filter(facility=self.facility).order_by("created_at", "pk"))
        target = members[index % len(members)]
        self._try(
            "handover",
            lambda: services.representative_handover(facility=self._fresh(), to=target, actor=self._who(who)),
        )

    @rule(role=st.sampled_from([FacilityRoleName.CONTRIBUTOR, FacilityRoleName.CONTACT_PERSON]))
    def grow_team(self, role: str) -> None:
        """The usual path of joining: someone asks, the representative approves."""
        self.join()
        self.approve("representative", role)

    # ----------------------------------------------------------------- invariants

    @invariant()
    def status_is_known(self) -> None:
        if hasattr(self, "facility"):
            assert self._fresh().status in FacilityStatus.values

    @invariant()
    def every_status_change_has_one_event(self) -> None:
        if not hasattr(self, "facility"):
            return
        changes = list(Event.objects.for_object(self.facility).exclude(to_state="").order_by("id"))
        assert len(changes) == self.expected_changes
        state = ""
        for event in changes:
            assert event.from_state == state, (event.action, event.from_state, state)
            assert event.to_state != state
            state = event.to_state
        assert state == self._fresh().status

    @invariant()
    def at_most_one_representative(self) -> None:
        if hasattr(self, "facility"):
            assert (
                Membership.objects.filter(
                    facility=self.facility, role=FacilityRoleName.AUTHORISED_REPRESENTATIVE
                ).count()
                <= 1
            )

    @invariant()
    def public_registry_shows_listed_enrolled_only(self) -> None:
        if not hasattr(self, "facility"):
            return
        facility = self._fresh()
        shown = Facility.objects.for_public_registry().filter(pk=facility.pk).exists()
        assert shown == (facility.listed_publicly and facility.status == FacilityStatus.ENROLLED)


def test_facility_lifecycle_keeps_its_invariants(framework: Any) -> None:
    visited.clear()
    actions_taken.clear()
    run_state_machine_as_test(
        FacilityMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            # A fixed seed: the same walks on every run, so the coverage assertions below are stable.
            derandomize=True,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            database=None,
        ),
    )
    # The random walks reached every state and took every kind of action, not only refusals.
    assert visited == set(FacilityStatus.values) - {FacilityStatus.PENDING_ACTIVATION}, visited
    assert actions_taken >= {"activate", "confirm", "reject", "enrol", "lapse", "restore", "join", "approve"}, (
        actions_taken
    )
