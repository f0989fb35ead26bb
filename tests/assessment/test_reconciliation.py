"""Reconciliation (disagreements first), the recommendation, the office's override, the hand-over,
and the next round after "areas to amend" (same assessors, changes shown, earlier ratings carried)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iasios.applications.models import CycleStatus
from iasios.assessment import reviews, selectors, services
from iasios.assessment.models import AssignmentStatus, Outcome, OutcomeOverride
from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from iasios.cycles import services as cycle_services
from tests.applications.helpers import answer_for, save, submit
from tests.assessment.builders import World, both_submitted, rate_all, reconcile_all, requirements

pytestmark = pytest.mark.django_db


def test_reconciliation_lists_disagreements_first_with_agreed_defaults(world: World) -> None:
    both_submitted(world, r4c="partly_met", r2a="not_met")
    recon = selectors.reconciliation(world.cycle)
    assert [r.requirement.reference for r in recon.rows[:2]] == ["2a", "4c"]
    assert all(r.disagreement for r in recon.rows[:2]) and not any(r.disagreement for r in recon.rows[2:])
    assert recon.rows[2].default == "met" and recon.rows[0].default == ""
    html = world.cast.client_for("office").get(reverse("office_assessment:reconcile", args=[world.cycle.pk]))
    text = html.content.decode()
    assert text.index("<strong>2a</strong>") < text.index("<strong>1a</strong>")
    assert "2 requirements where the assessors disagree" in text


def test_reconciling_needs_both_reviews(world: World) -> None:
    from tests.assessment.builders import assign

    first = assign(world, world.a)
    assign(world, world.b)
    rate_all(first, world.a)
    services.review_submit(assignment=first, user=world.a)
    with pytest.raises(TransitionNotAllowed):
        reconcile_all(world)


def test_recommendation_from_consolidated_ratings(world: World) -> None:
    both_submitted(world, r1a="partly_met")
    assert not selectors.recommendation_ready(world.cycle)
    reconcile_all(world)  # the disagreement on 1a is consolidated as met
    recommendation = selectors.recommendation_for(world.cycle, accredited_award_in_force=False)
    assert recommendation.ready and selectors.recommendation_ready(world.cycle)
    assert recommendation.proposed_outcome == recommendation.outcome == Outcome.ACCREDITED
    assert recommendation.flagged_requirement_ids == []
    reconcile_all(world, r1a="partly_met")
    recommendation = selectors.recommendation_for(world.cycle, accredited_award_in_force=False)
    one_a = next(r for r in requirements(world.cycle) if r.reference == "1a")
    assert recommendation.proposed_outcome == Outcome.AREAS_TO_AMEND
    assert recommendation.flagged_requirement_ids == [one_a.pk]
    assert selectors.consolidated_ratings(world.cycle)[one_a.pk] == "partly_met"


def test_case_review_incomplete_means_areas_to_amend(world: World, case_review: Any) -> None:
    both_submitted(world)
    reconcile_all(world)
    case_review.incomplete()
    assert (
        selectors.recommendation_for(world.cycle, accredited_award_in_force=False).proposed_outcome
        == Outcome.AREAS_TO_AMEND
    )


def test_override_needs_a_reason_and_is_recorded(world: World) -> None:
    both_submitted(world)
    reconcile_all(world, r1a="not_met")
    assert (
        selectors.recommendation_for(world.cycle, accredited_award_in_force=False).proposed_outcome
        == Outcome.NOT_ACCREDITED
    )
    with pytest.raises(ValidationError):
        services.outcome_override(
            cycle=world.cycle, actor=world.office, outcome="areas_to_amend", reason=" ", accredited_award_in_force=False
        )
    client = world.cast.client_for("office")
    url = reverse("office_assessment:recommendation", args=[world.cycle.pk])
    client.post(url, {"outcome": "areas_to_amend", "reason": ""})
    assert selectors.recommendation_for(world.cycle, accredited_award_in_force=False).outcome == Outcome.NOT_ACCREDITED
    client.post(url, {"outcome": "areas_to_amend", "reason": "The missing rota exists; one cycle to fix it."})
    recommendation = selectors.recommendation_for(world.cycle, accredited_award_in_force=False)
    assert recommendation.outcome == Outcome.AREAS_TO_AMEND
    assert recommendation.proposed_outcome == Outcome.NOT_ACCREDITED
    assert recommendation.override_reason.startswith("The missing rota")
    event = Event.objects.for_object(world.cycle).get(action="outcome_overridden")
    assert event.data == {"proposed": "not_accredited", "outcome": "areas_to_amend"}


def test_the_office_cannot_propose_centre_of_excellence_on_a_first_application(world: World) -> None:
    both_submitted(world)
    reconcile_all(world)
    with pytest.raises(ValidationError) as refused:
        services.outcome_override(
            cycle=world.cycle,
            actor=world.office,
            outcome=Outcome.CENTRE_OF_EXCELLENCE,
            reason="Exceptional centre.",
            accredited_award_in_force=True,
        )
    assert "re-certification" in str(refused.value)
    assert not OutcomeOverride.objects.filter(cycle=world.cycle).exists()
    page = world.cast.client_for("office").get(reverse("office_assessment:reconcile", args=[world.cycle.pk]))
    assert page.status_code == 200
    assert f'value="{Outcome.ACCREDITED}"' in page.content.decode()
    assert f'value="{Outcome.CENTRE_OF_EXCELLENCE}"' not in page.content.decode()


def test_send_to_committee_only_when_ready(world: World) -> None:
    both_submitted(world)
    with pytest.raises(TransitionNotAllowed):
        cycle_services.cycle_send_to_committee(cycle=world.cycle, actor=world.office)
    reconcile_all(world)
    client = world.cast.client_for("office")
    client.post(reverse("office_assessment:recommendation", args=[world.cycle.pk]), {"action": "send"})
    world.cycle.refresh_from_db()
    assert world.cycle.status == CycleStatus.WITH_COMMITTEE


def test_triage_return_and_start(cast: Any, framework: Any) -> None:
    from tests.assessment.builders import build_world

    w = build_world(cast, in_assessment=False)
    client = cast.client_for("office")
    queue = client.get(reverse("office_assessment:triage"))
    assert w.dossier.sha256[:14] in queue.content.decode()
    url = reverse("office_assessment:triage_cycle", args=[w.cycle.pk])
    assert client.post(url, {"action": "return", "reason": ""}).status_code == 400
    client.post(url, {"action": "return", "reason": "The rota of standard 2 is missing."})
    w.cycle.refresh_from_db()
    assert w.cycle.status == CycleStatus.RETURNED
    assert Event.objects.for_object(w.cycle).get(action="return").reason == "The rota of standard 2 is missing."
    submit(w.cycle, cast.representative)
    client.post(url, {"action": "start"})
    w.cycle.refresh_from_db()
    assert w.cycle.status == CycleStatus.IN_ASSESSMENT


def test_areas_to_amend_round_reuses_the_assessors(world: World) -> None:
    first, second = both_submitted(world, r1a="partly_met")
    reconcile_all(world, r1a="partly_met")
    one_a = answer_for(world.cycle, "1a")
    cycle_services.cycle_send_to_committee(cycle=world.cycle, actor=world.office)
    cycle_services.cycle_mark_decided(cycle=world.cycle, actor=None)
    cycle_services.cycle_reopen_for_amendment(cycle=world.cycle, requirement_ids=[one_a.requirement_id])
    world.cycle.refresh_from_db()
    save(answer_for(world.cycle, "1a"), world.cast.contributor, narrative="Now with a night rota.")
    submit(world.cycle, world.cast.representative)
    cycle_services.cycle_start_assessment(cycle=world.cycle, actor=world.office)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == AssignmentStatus.ACCEPTED

    review = reviews.review_for(first)
    assert review.round.number == 2
    row = next(r for r in review.rows if r.requirement.reference == "1a")
    assert row.in_scope and row.changed and row.carried_over
    other = next(r for r in review.rows if r.requirement.reference == "1b")
    assert not other.in_scope and other.carried_over and other.rating is not None
    assert reviews.review_missing(first) == ["1a"]
    page = world.cast.client_for("assessor").get(reverse("assessment:review", args=[first.pk]))
    text = page.content.decode()
    assert "re-rate" in text and "carried over" in text and "Now with a night rota." in text
    services.rating_save(assignment=first, user=world.a, requirement=row.requirement, rating="met")
    services.review_submit(assignment=first, user=world.a)
    # The office's earlier consolidation of 1a no longer counts: it must be reconciled again.
    assert row.requirement.pk not in selectors.consolidated_ratings(world.cycle)
