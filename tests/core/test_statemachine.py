"""The one transition function: locks, checks, sets the state, writes the event, defers effects."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from iasios.core.models import Event
from iasios.core.statemachine import StateMachine, Transition, TransitionNotAllowed
from iasios.facilities.models import Facility
from tests import factories

pytestmark = pytest.mark.django_db

effects: list[tuple[str, Any]] = []


def _remember(obj: Any, actor: Any) -> None:
    effects.append((obj.status, actor))


def _office_only(user: Any, obj: Any) -> bool:
    return user is not None and user.has_programme_role("office")


MACHINE = StateMachine(
    model=Facility,
    transitions=[
        Transition("confirm", {"registered"}, "awaiting_payment", who=_office_only, effects=(_remember,)),
        Transition("reject", {"registered"}, "rejected", who=_office_only, needs_reason=True),
        Transition(
            "enrol",
            {"awaiting_payment"},
            "enrolled",
            guard=lambda f: None if f.city else "A city is required.",
        ),
    ],
)


@pytest.fixture(autouse=True)
def _clear() -> None:
    effects.clear()


def test_a_transition_sets_the_state_and_writes_one_event() -> None:
    facility = factories.make_facility()
    office = factories.make_staff("office")

    MACHINE.apply(facility, "confirm", actor=office, reason="Documents complete")

    facility.refresh_from_db()
    assert facility.status == "awaiting_payment"
    event = Event.objects.for_object(facility).get()
    assert (event.action, event.from_state, event.to_state, event.actor, event.reason) == (
        "confirm",
        "registered",
        "awaiting_payment",
        office,
        "Documents complete",
    )


def test_it_refuses_a_transition_from_the_wrong_state_and_writes_nothing() -> None:
    facility = factories.make_facility()
    with pytest.raises(TransitionNotAllowed):
        MACHINE.apply(facility, "enrol")
    facility.refresh_from_db()
    assert facility.status == "registered"
    assert not Event.objects.for_object(facility).exists()


def test_it_refuses_an_actor_who_may_not() -> None:
    facility = factories.make_facility()
    with pytest.raises(PermissionDenied):
        MACHINE.apply(facility, "confirm", actor=factories.make_user())
    assert not Event.objects.for_object(facility).exists()


def test_a_reason_is_required_where_the_table_says_so() -> None:
    facility = factories.make_facility()
    with pytest.raises(TransitionNotAllowed):
        MACHINE.apply(facility, "reject", actor=factories.make_staff("office"), reason="  ")


def test_a_guard_refusal_carries_its_reason() -> None:
    facility = factories.make_facility()
    MACHINE.apply(facility, "confirm", actor=factories.make_staff("office"))
    Facility.objects.filter(pk=facility.pk).update(city="")
    with pytest.raises(TransitionNotAllowed, match="A city is required"):
        MACHINE.apply(facility, "enrol")


def test_available_lists_only_what_the_user_may_do_now() -> None:
    facility = factories.make_facility()
    office = factories.make_staff("office")
    assert [t.name for t in MACHINE.available(facility, office)] == ["confirm", "reject"]
    assert MACHINE.available(facility, factories.make_user()) == []


def test_effects_run_only_after_the_commit(django_capture_on_commit_callbacks: Any) -> None:
    facility = factories.make_facility()
    office = factories.make_staff("office")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        MACHINE.apply(facility, "confirm", actor=office)
        assert effects == []
    assert len(callbacks) == 1
    assert effects == [("awaiting_payment", office)]
