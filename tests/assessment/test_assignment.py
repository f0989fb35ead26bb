"""Assigning assessors: conflicts of country and institution, the two-assessor limit, accept and decline."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from iasios.assessment import selectors, services
from iasios.assessment.models import Assignment, AssignmentStatus
from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from tests.assessment.builders import World, assign

pytestmark = pytest.mark.django_db


def test_same_country_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(cycle=world.cycle, assessor=world.same_country, actor=world.office)
    assert "same country" in str(exc.value)
    assert not Assignment.objects.filter(cycle=world.cycle).exists()


def test_same_institution_is_refused_whatever_the_case_and_spaces(world: World) -> None:
    with pytest.raises(ValidationError) as exc:
        services.assignment_create(cycle=world.cycle, assessor=world.same_institution, actor=world.office)
    assert "same institution" in str(exc.value)
    assert not Assignment.objects.filter(cycle=world.cycle).exists()


def test_the_office_sees_why_a_candidate_is_excluded(world: World) -> None:
    candidates = {c.profile.user_id: c for c in selectors.assignment_candidates(world.cycle)}
    assert candidates[world.a.pk].eligible and candidates[world.b.pk].eligible
    assert not candidates[world.same_country.pk].eligible
    assert any("same country" in n for n in candidates[world.same_country.pk].notes)
    assert any("same institution" in n for n in candidates[world.same_institution.pk].notes)
    page = world.cast.client_for("office").get(reverse("office_assessment:assign", args=[world.cycle.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "same country as the facility" in html
    assert "same institution as the facility" in html
    # The excluded candidate's option is disabled and tied to its reason.
    conflicted = html.split(f'value="{world.same_country.pk}"')[1].split(">")[0]
    assert "disabled" in conflicted and "aria-describedby" in conflicted


def test_posting_a_conflicted_candidate_shows_the_reason_and_changes_nothing(world: World) -> None:
    client = world.cast.client_for("office")
    url = reverse("office_assessment:assign", args=[world.cycle.pk])
    response = client.post(url, {"assessor": str(world.same_country.pk)})
    assert response.status_code == 400
    assert "cannot assess this facility" in response.content.decode()
    assert not Assignment.objects.exists()


def test_two_assessors_at_most(world: World) -> None:
    assign(world, world.a, accept=False)
    assign(world, world.b, accept=False)
    with pytest.raises(TransitionNotAllowed):
        services.assignment_create(cycle=world.cycle, assessor=world.spare, actor=world.office)
    assert Assignment.objects.filter(cycle=world.cycle).count() == 2


def test_a_declined_assignment_frees_its_place(world: World) -> None:
    first = assign(world, world.a, accept=False)
    assign(world, world.b, accept=False)
    services.assignment_decline(assignment=first, user=world.a, reason="On leave in May")
    third = services.assignment_create(cycle=world.cycle, assessor=world.spare, actor=world.office)
    assert third.status == AssignmentStatus.PROPOSED
    event = Event.objects.for_object(first).get(action="decline")
    assert event.reason == "On leave in May"


def test_the_same_assessor_twice_is_refused(world: World) -> None:
    assign(world, world.a, accept=False)
    with pytest.raises(ValidationError):
        services.assignment_create(cycle=world.cycle, assessor=world.a, actor=world.office)


def test_only_the_office_assigns(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.assignment_create(cycle=world.cycle, assessor=world.b, actor=world.a)


def test_assignment_needs_the_cycle_in_assessment(cast: Any, framework: Any) -> None:
    from tests.assessment.builders import build_world

    w = build_world(cast, in_assessment=False)
    with pytest.raises(TransitionNotAllowed):
        services.assignment_create(cycle=w.cycle, assessor=w.a, actor=w.office)


def test_the_assessor_is_mailed(world: World) -> None:
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        assignment = services.assignment_create(cycle=world.cycle, assessor=world.a, actor=world.office)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.a.email]
    assert world.cycle.facility.name in message.subject
    assert reverse("assessment:assignment", args=[assignment.pk]) in message.body
    assert message.alternatives and "<a href=" in message.alternatives[0][0]


def test_accept_requires_the_declaration(world: World) -> None:
    assignment = assign(world, world.a, accept=False)
    with pytest.raises(ValidationError):
        services.assignment_accept(assignment=assignment, user=world.a, no_conflict=False)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PROPOSED
    services.assignment_accept(
        assignment=assignment, user=world.a, no_conflict=True, interests="Spoke at their 2024 course"
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED
    assert assignment.no_conflict and assignment.declared_interests == "Spoke at their 2024 course"
    assert Event.objects.for_object(assignment).filter(action="accept").exists()


def test_decline_requires_a_reason(world: World) -> None:
    assignment = assign(world, world.a, accept=False)
    with pytest.raises(ValidationError):
        services.assignment_decline(assignment=assignment, user=world.a, reason="  ")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.PROPOSED


def test_another_assessor_cannot_respond(world: World) -> None:
    assignment = assign(world, world.a, accept=False)
    with pytest.raises(PermissionDenied):
        services.assignment_accept(assignment=assignment, user=world.b, no_conflict=True)


def test_accept_and_decline_pages(world: World) -> None:
    first = assign(world, world.a, accept=False)
    second = assign(world, world.b, accept=False)
    client = world.cast.client_for("assessor")
    url = reverse("assessment:assignment", args=[first.pk])
    assert client.post(url, {"action": "accept"}).status_code == 400  # no declaration ticked
    response = client.post(url, {"action": "accept", "no_conflict": "on", "interests": ""})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == AssignmentStatus.ACCEPTED
    from django.test import Client

    other = Client()
    other.force_login(world.b)
    url_b = reverse("assessment:assignment", args=[second.pk])
    assert other.post(url_b, {"action": "decline", "reason": ""}).status_code == 400
    assert other.post(url_b, {"action": "decline", "reason": "Conflict: I trained there"}).status_code == 302
    second.refresh_from_db()
    assert second.status == AssignmentStatus.DECLINED


def test_office_withdraws_with_a_reason(world: World) -> None:
    assignment = assign(world, world.a)
    client = world.cast.client_for("office")
    url = reverse("office_assessment:withdraw", args=[assignment.pk])
    client.post(url, {"reason": ""})
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED
    client.post(url, {"reason": "Assessor unavailable for months"})
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.WITHDRAWN
    selectors.forget_assessor_cache(world.a)
    assert not selectors.is_assigned_assessor(world.a, world.cycle)
