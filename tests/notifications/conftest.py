"""Builders for the notifications tests: open evidence requests and current awards, made with the
ORM so the reminder sweep can be tested on any date without running the whole assessment."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

import pytest
from django.utils import timezone

from iasios.accounts.roles import ProgrammeRoleName
from iasios.applications.models import Cycle
from iasios.assessment.models import Assignment, EvidenceRequest
from iasios.decisions.models import Award, Decision
from iasios.standards.models import Requirement
from tests import factories


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9, 0)))


def make_evidence_request(cast: Any, framework: Any, *, due_on: date, opened_on: date) -> EvidenceRequest:
    cycle = Cycle.objects.create(facility=cast.facility, framework=framework)
    Cycle.objects.filter(pk=cycle.pk).update(status="in_assessment")
    assignment = Assignment.objects.create(
        cycle=cycle, assessor=cast.assessor, assigned_by=cast.office, status="accepted"
    )
    requirement = Requirement.objects.filter(framework=framework).order_by("pk").first()
    return EvidenceRequest.objects.create(
        cycle=cycle, assignment=assignment, requirement=requirement, due_on=due_on, opened_at=at(opened_on)
    )


def make_award(cast: Any, framework: Any, *, valid_from: date, valid_until: date) -> Award:
    cycle = Cycle.objects.create(facility=cast.facility, framework=framework, status="decided")
    decision = Decision.objects.create(cycle=cycle)
    Decision.objects.filter(pk=decision.pk).update(status="decided", outcome="accredited", decided_on=valid_from)
    return Award.objects.create(
        facility=cast.facility,
        cycle=cycle,
        decision=decision,
        level="accredited",
        valid_from=valid_from,
        valid_until=valid_until,
    )


@pytest.fixture
def second_office(db: Any) -> Any:
    return factories.make_staff(ProgrammeRoleName.OFFICE, name="Omar Office")


def unsaved_pk() -> uuid.UUID:
    return uuid.uuid4()
