"""The cycle lifecycle: every transition allowed and refused, per state and per role; reasons; events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from iasios.applications.models import OPEN_CYCLE_STATES, Cycle, CycleStatus
from iasios.assessment import selectors as assessment_selectors
from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from iasios.cycles import services as cycle_services
from iasios.cycles.lifecycle import CYCLE_LIFECYCLE
from tests.applications.helpers import decided_cycle, submit, submitted_cycle

pytestmark = pytest.mark.django_db

ALL_STATES = [s.value for s in CycleStatus]


def _put_in(cycle: Cycle, state: str) -> Cycle:
    """Test set-up only: place the cycle in a state without walking the whole path."""
    Cycle.objects.filter(pk=cycle.pk).update(status=state)
    cycle.refresh_from_db()
    return cycle


def _first_requirement(cycle: Cycle) -> Any:
    return cycle.answers.order_by("requirement__position").first().requirement_id  # type: ignore[union-attr]


# Each action as the office, the committee or the system would call it, by transition name.
ACTIONS: dict[str, Callable[[Cycle, Any], Any]] = {
    "return": lambda c, who: cycle_services.cycle_return(cycle=c, actor=who, reason="The rota is missing."),
    "start_assessment": lambda c, who: cycle_services.cycle_start_assessment(cycle=c, actor=who),
    "send_to_committee": lambda c, who: cycle_services.cycle_send_to_committee(cycle=c, actor=who),
    "decide": lambda c, who: cycle_services.cycle_mark_decided(cycle=c, actor=who),
    "reopen_for_amendment": lambda c, who: cycle_services.cycle_reopen_for_amendment(
        cycle=c, requirement_ids=[_first_requirement(c)], actor=who
    ),
    "reconsider": lambda c, who: cycle_services.cycle_reconsider(cycle=c, actor=who, reason="Appeal upheld."),
}

# Who may take each action (None: the system). Everyone else is refused with PermissionDenied.
ALLOWED: dict[str, set[str | None]] = {
    "return": {"office", "administrator"},
    "start_assessment": {"office", "administrator"},
    "send_to_committee": {"office", "administrator"},
    "decide": {None, "office", "administrator", "committee"},
    "reopen_for_amendment": {None, "office", "administrator", "committee"},
    "reconsider": {None, "office", "administrator", "committee"},
}
PEOPLE = ["representative", "contact", "contributor", "read_only", "outsider", "assessor", "committee", "office"]
PEOPLE_AND_SYSTEM: list[str | None] = [*PEOPLE, "administrator", None]


@pytest.fixture
def ready(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda cycle: True)


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", PEOPLE_AND_SYSTEM)
def test_who_may_take_each_transition(cycle: Cycle, enrolled: Any, ready: None, action: str, role: str | None) -> None:
    source = next(iter(CYCLE_LIFECYCLE[action].sources))
    _put_in(cycle, source)
    actor = getattr(enrolled, role) if role else None
    if role in ALLOWED[action]:
        ACTIONS[action](cycle, actor)
        cycle.refresh_from_db()
        assert cycle.status == CYCLE_LIFECYCLE[action].target
        event = Event.objects.for_object(cycle).filter(action=action).get()
        assert (event.from_state, event.to_state) == (source, cycle.status)
        assert event.actor == actor
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](cycle, actor)
        cycle.refresh_from_db()
        assert cycle.status == source
        assert not Event.objects.for_object(cycle).filter(action=action).exists()


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("state", ALL_STATES)
def test_each_transition_only_from_its_states(
    cycle: Cycle, enrolled: Any, ready: None, action: str, state: str
) -> None:
    _put_in(cycle, state)
    allowed_from = CYCLE_LIFECYCLE[action].sources
    actor = enrolled.office
    if state in allowed_from:
        ACTIONS[action](cycle, actor)
        cycle.refresh_from_db()
        assert cycle.status == CYCLE_LIFECYCLE[action].target
    else:
        with pytest.raises(TransitionNotAllowed):
            ACTIONS[action](cycle, actor)
        cycle.refresh_from_db()
        assert cycle.status == state


def test_the_table_matches_the_contract() -> None:
    edges = {(s, t.name, t.target) for t in CYCLE_LIFECYCLE.transitions.values() for s in t.sources}
    assert edges == {
        ("draft", "submit", "submitted"),
        ("returned", "submit", "submitted"),
        ("amending", "submit", "submitted"),
        ("submitted", "return", "returned"),
        ("submitted", "start_assessment", "in_assessment"),
        ("in_assessment", "send_to_committee", "with_committee"),
        ("with_committee", "decide", "decided"),
        ("decided", "reopen_for_amendment", "amending"),
        ("decided", "reconsider", "with_committee"),
        ("amending", "reconsider", "with_committee"),
        ("amending", "close_amendment", "decided"),
    }
    assert set(ALL_STATES) - OPEN_CYCLE_STATES == {"decided"}


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_and_reconsider_need_a_reason(cycle: Cycle, enrolled: Any, reason: str) -> None:
    _put_in(cycle, CycleStatus.SUBMITTED)
    with pytest.raises(TransitionNotAllowed, match="reason is required"):
        cycle_services.cycle_return(cycle=cycle, actor=enrolled.office, reason=reason)
    _put_in(cycle, CycleStatus.DECIDED)
    with pytest.raises(TransitionNotAllowed, match="reason is required"):
        cycle_services.cycle_reconsider(cycle=cycle, actor=enrolled.office, reason=reason)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DECIDED


def test_return_keeps_the_reason_in_the_event(cycle: Cycle, enrolled: Any) -> None:
    _put_in(cycle, CycleStatus.SUBMITTED)
    cycle_services.cycle_return(cycle=cycle, actor=enrolled.office, reason="  Standard 4 evidence is unreadable. ")
    event = Event.objects.for_object(cycle).get(action="return")
    assert event.reason == "Standard 4 evidence is unreadable."


def test_send_to_committee_waits_for_the_recommendation(cycle: Cycle, enrolled: Any, monkeypatch: Any) -> None:
    _put_in(cycle, CycleStatus.IN_ASSESSMENT)
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: False)
    with pytest.raises(TransitionNotAllowed, match="recommendation is not ready"):
        cycle_services.cycle_send_to_committee(cycle=cycle, actor=enrolled.office)
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: True)
    cycle_services.cycle_send_to_committee(cycle=cycle, actor=enrolled.office)
    assert cycle.status == CycleStatus.WITH_COMMITTEE


def test_decided_sets_the_date_and_closes_the_cycle(cycle: Cycle, enrolled: Any, monkeypatch: Any) -> None:
    decided_cycle(cycle, enrolled, monkeypatch)
    assert cycle.status == CycleStatus.DECIDED
    assert cycle.decided_at is not None
    assert not Cycle.objects.open().filter(pk=cycle.pk).exists()
    # A decided cycle no longer holds the facility's one open place: a new application can start.
    cycle_services.cycle_start(facility=cycle.facility, user=enrolled.contributor)


def test_a_decided_cycle_cannot_reopen_while_another_is_open(cycle: Cycle, enrolled: Any, monkeypatch: Any) -> None:
    decided_cycle(cycle, enrolled, monkeypatch)
    cycle_services.cycle_start(facility=cycle.facility, user=enrolled.contributor)
    with pytest.raises(TransitionNotAllowed, match="another open application"):
        cycle_services.cycle_reconsider(cycle=cycle, actor=enrolled.office, reason="Appeal upheld.")
    with pytest.raises(TransitionNotAllowed, match="another open application"):
        cycle_services.cycle_reopen_for_amendment(cycle=cycle, requirement_ids=[_first_requirement(cycle)])
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DECIDED


def test_the_database_allows_one_open_cycle_but_any_number_of_decided(cycle: Cycle, enrolled: Any) -> None:
    framework = cycle.framework
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.create(facility=cycle.facility, framework=framework, status=CycleStatus.AMENDING)
    _put_in(cycle, CycleStatus.DECIDED)
    Cycle.objects.create(facility=cycle.facility, framework=framework, status=CycleStatus.DECIDED)
    Cycle.objects.create(facility=cycle.facility, framework=framework, status=CycleStatus.RETURNED)


def test_submit_is_for_the_representative_only(cycle: Cycle, enrolled: Any) -> None:
    from tests.applications.helpers import fill_core

    fill_core(cycle, enrolled.contributor)
    for who in ("contact", "contributor", "read_only"):
        with pytest.raises(PermissionDenied):
            submit(cycle, getattr(enrolled, who))
    with pytest.raises(PermissionDenied):
        submit(cycle, enrolled.office)
    submit(cycle, enrolled.representative)
    assert cycle.status == CycleStatus.SUBMITTED


def test_reopen_needs_requirements_of_this_cycle(cycle: Cycle, enrolled: Any, monkeypatch: Any) -> None:
    decided_cycle(cycle, enrolled, monkeypatch)
    with pytest.raises(ValidationError):
        cycle_services.cycle_reopen_for_amendment(cycle=cycle, requirement_ids=[])
    with pytest.raises(ValidationError):
        cycle_services.cycle_reopen_for_amendment(cycle=cycle, requirement_ids=[987654321])
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DECIDED


def test_full_path_writes_one_event_per_state_change(cycle: Cycle, enrolled: Any, monkeypatch: Any) -> None:
    submitted_cycle(cycle, enrolled)
    cycle_services.cycle_return(cycle=cycle, actor=enrolled.office, reason="Please add the rota.")
    submit(cycle, enrolled.representative)
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: True)
    cycle_services.cycle_start_assessment(cycle=cycle, actor=enrolled.office)
    cycle_services.cycle_send_to_committee(cycle=cycle, actor=enrolled.office)
    cycle_services.cycle_mark_decided(cycle=cycle)
    cycle_services.cycle_reopen_for_amendment(cycle=cycle, requirement_ids=[_first_requirement(cycle)])
    transitions = list(
        Event.objects.for_object(cycle).exclude(to_state="").order_by("id").values_list("from_state", "to_state")
    )
    assert transitions == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "returned"),
        ("returned", "submitted"),
        ("submitted", "in_assessment"),
        ("in_assessment", "with_committee"),
        ("with_committee", "decided"),
        ("decided", "amending"),
    ]


def test_submission_and_return_are_mailed(cycle: Cycle, enrolled: Any, django_capture_on_commit_callbacks: Any) -> None:
    from iasios.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        dossier = submitted_cycle(cycle, enrolled)
    rows = Notification.objects.filter(kind="applications/email/submitted")
    assert {row.user for row in rows} == {enrolled.representative, enrolled.contact, enrolled.office}
    assert all(row.link == f"/applications/cycle/{cycle.pk}/dossier/" for row in rows)
    assert dossier.sha256 in rows.first().body  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        cycle_services.cycle_return(
            cycle=cycle, actor=enrolled.office, reason="  The night rota of standard 2 is missing. "
        )
    returned = Notification.objects.filter(kind="applications/email/returned")
    assert {row.user for row in returned} == {enrolled.representative, enrolled.contact}
    assert all("The night rota of standard 2 is missing." in row.body for row in returned)
