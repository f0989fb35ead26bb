"""A new dossier revision going to assessment reopens the assessors' reviews of the earlier one,
whichever page or service moves it (the applications service calls the follower); the review and
office pages only read."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from iasios.applications.models import Cycle, CycleStatus
from iasios.assessment.models import Assignment, AssignmentStatus
from iasios.core.models import Event
from iasios.cycles import services as cycle_services
from tests.applications.helpers import answer_for, save, submit
from tests.assessment.builders import World, both_submitted, reconcile_all

pytestmark = pytest.mark.django_db


def _resubmitted_after_amendment(world: World) -> tuple[Assignment, Assignment]:
    """Both reviews submitted on revision 1; "areas to amend" on 1a; revision 2 submitted."""
    first, second = both_submitted(world, r1a="partly_met")
    reconcile_all(world, r1a="partly_met")
    cycle_services.cycle_send_to_committee(cycle=world.cycle, actor=world.office)
    cycle_services.cycle_mark_decided(cycle=world.cycle, actor=None)
    one_a = answer_for(world.cycle, "1a")
    cycle_services.cycle_reopen_for_amendment(cycle=world.cycle, requirement_ids=[one_a.requirement_id])
    world.cycle.refresh_from_db()
    save(answer_for(world.cycle, "1a"), world.cast.contributor, narrative="Now with a night rota.")
    submit(world.cycle, world.cast.representative)
    return first, second


def _states(cycle: Cycle) -> list[tuple[Any, str]]:
    return list(Assignment.objects.filter(cycle=cycle).order_by("pk").values_list("pk", "status"))


def test_the_applications_start_assessment_button_reopens_the_reviews(world: World) -> None:
    first, second = _resubmitted_after_amendment(world)
    response = world.cast.client_for("office").post(reverse("applications:start_assessment", args=[world.cycle.pk]))
    assert response.status_code == 302
    world.cycle.refresh_from_db()
    assert world.cycle.status == CycleStatus.IN_ASSESSMENT
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == AssignmentStatus.ACCEPTED
    assert Event.objects.for_object(first).filter(action="reopen_review").count() == 1


def test_pages_read_only_even_when_reviews_are_behind(world: World) -> None:
    """A stale state (made by test set-up, bypassing the service) stays as it is on every GET."""
    first, _second = _resubmitted_after_amendment(world)
    Cycle.objects.filter(pk=world.cycle.pk).update(status=CycleStatus.IN_ASSESSMENT)
    before = (Event.objects.count(), _states(world.cycle), len(mail.outbox))
    assessor = world.cast.client_for("assessor")
    assert assessor.get(reverse("assessment:review", args=[first.pk])).status_code == 200
    office = world.cast.client_for("office")
    assert office.get(reverse("office_assessment:cycle", args=[world.cycle.pk])).status_code == 200
    assert (Event.objects.count(), _states(world.cycle), len(mail.outbox)) == before
    assert Assignment.objects.get(pk=first.pk).status == AssignmentStatus.SUBMITTED
