"""Small, explicit data for the report tests, written straight to the tables.

Reports read what the services wrote; building rows directly lets each test state exactly the
data its hand-computed numbers come from (times, states, ratings, balances).
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any
from unittest import mock

from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.applications.models import Cycle, Dossier
from iasios.assessment.models import Assignment, ConsolidatedRating, EvidenceRequest
from iasios.billing.models import Invoice, Payment
from iasios.casereview.models import (
    CaseReview,
    CaseReviewAnswer,
    ProcedureCase,
    ProcedureLog,
    SampledCase,
    SampleDraw,
)
from iasios.core.events import record_event
from iasios.decisions.models import Award, CorrectiveAction, Decision
from iasios.facilities.models import Facility
from iasios.standards.models import ChecklistItem, Requirement
from tests import factories

NOW = datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC)
TODAY = NOW.date()
_numbers = itertools.count(1)


@contextmanager
def at(when: datetime.datetime) -> Iterator[None]:
    """Rows created inside get `when` as their creation time (auto_now_add reads timezone.now)."""
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def days_ago(days: float) -> datetime.datetime:
    return NOW - datetime.timedelta(days=days)


def cycle(
    facility: Facility,
    framework: Any,
    status: str = "draft",
    *,
    created: datetime.datetime | None = None,
    **timestamps: Any,
) -> Cycle:
    with at(created or days_ago(400)):
        return Cycle.objects.create(facility=facility, framework=framework, status=status, **timestamps)


def move(obj: Any, to_state: str, when: datetime.datetime, from_state: str = "") -> None:
    """An event row: `obj` entered `to_state` at `when`."""
    with at(when):
        record_event(obj=obj, action="moved", from_state=from_state, to_state=to_state)


def dossier(made: Cycle, signer: Any = None) -> Dossier:
    return Dossier.objects.create(
        cycle=made,
        snapshot={"answers": []},
        sha256="cd" * 32,
        signed_by=signer or factories.make_user(),
        declaration="We declare.",
    )


def requirements(framework: Any) -> list[Requirement]:
    return list(Requirement.objects.filter(framework=framework).select_related("standard").order_by("position"))


def checklist(framework: Any) -> list[ChecklistItem]:
    return list(ChecklistItem.objects.filter(framework=framework).order_by("position"))


def decided_cycle(
    facility: Facility,
    framework: Any,
    *,
    ratings: dict[str, str] | None = None,
    default: str = "met",
    decided: datetime.datetime | None = None,
    recorder: Any = None,
) -> Cycle:
    """A decided cycle with a consolidated rating for every requirement (`ratings` by reference)."""
    made = cycle(facility, framework, "decided", decided_at=decided or days_ago(30))
    frozen = dossier(made)
    recorder = recorder or frozen.signed_by
    ConsolidatedRating.objects.bulk_create(
        ConsolidatedRating(
            cycle=made,
            requirement=r,
            rating=(ratings or {}).get(r.reference, default),
            dossier=frozen,
            recorded_by=recorder,
        )
        for r in requirements(framework)
    )
    return made


def case_reviews(made: Cycle, answers: list[dict[str, str]], *, incomplete: int = 0) -> None:
    """One complete case review per dict (checklist code → yes/no/na; items left out: yes),
    and `incomplete` reviews answered all "no" that must not count."""
    items = checklist(made.framework)
    log = ProcedureLog.objects.create(
        cycle=made,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        row_count=len(answers) + incomplete,
        sha256="ef" * 32,
        file_sha256="ef" * 32,
    )
    draw = SampleDraw.objects.create(
        log=log, seed="1", algorithm="test", log_sha256=log.sha256, sample_size=len(answers) + incomplete
    )
    rows = [*[(a, True) for a in answers], *[(dict.fromkeys((i.code for i in items), "no"), False)] * incomplete]
    for position, (by_code, complete) in enumerate(rows, start=1):
        case = ProcedureCase.objects.create(
            log=log,
            reference=f"C{position:03d}",
            procedure_date=datetime.date(2025, 6, 1),
            category="ablation",
            row_number=position,
        )
        sampled = SampledCase.objects.create(draw=draw, case=case, position=position)
        review = CaseReview.objects.create(sampled_case=sampled, complete=complete, complication_grade=0)
        CaseReviewAnswer.objects.bulk_create(
            CaseReviewAnswer(review=review, item=item, answer=by_code.get(item.code, "yes")) for item in items
        )


def invoice(
    facility: Facility,
    total: str,
    *,
    currency: str = "EUR",
    due_on: datetime.date,
    status: str = "issued",
    paid: tuple[str, ...] = (),
) -> Invoice:
    n = next(_numbers)
    made = Invoice.objects.create(
        facility=facility,
        kind="annual",
        number=f"T-{n:05d}",
        issued_on=due_on - datetime.timedelta(days=30),
        due_on=due_on,
        currency=currency,
        total=Decimal(total),
        payer_name=facility.name,
        status=status,
    )
    for amount in paid:
        Payment.objects.create(invoice=made, amount=Decimal(amount), paid_on=due_on, reference=f"P{n}")
    return made


def decision(made: Cycle, outcome: str = "accredited", decided_on: datetime.date | None = None) -> Decision:
    return Decision.objects.create(cycle=made, status="decided", outcome=outcome, decided_on=decided_on or TODAY)


def award(facility: Facility, framework: Any, level: str, valid_from: datetime.date, status: str = "valid") -> Award:
    made = cycle(facility, framework, "decided", decided_at=NOW)
    return Award.objects.create(
        facility=facility,
        cycle=made,
        decision=decision(made, level),
        level=level,
        valid_from=valid_from,
        valid_until=valid_from.replace(year=valid_from.year + 4),
        status=status,
    )


def corrective_action(taken: Decision, due_on: datetime.date, status: str = "open") -> CorrectiveAction:
    return CorrectiveAction.objects.create(
        decision=taken, description="Record the time-out.", owner="Head nurse", due_on=due_on, status=status
    )


def assessor(name: str) -> Any:
    return factories.make_staff(ProgrammeRoleName.ASSESSOR, name=name)


def assignment(made: Cycle, who: Any, status: str, by: Any = None) -> Assignment:
    return Assignment.objects.create(cycle=made, assessor=who, status=status, assigned_by=by or who)


def evidence_request(made: Cycle, on: Assignment, due_on: datetime.date, status: str = "open") -> EvidenceRequest:
    return EvidenceRequest.objects.create(
        cycle=made,
        assignment=on,
        requirement=requirements(made.framework)[0],
        status=status,
        due_on=due_on,
        opened_at=NOW - datetime.timedelta(days=40),
    )


def facility_with_member(name: str, role: str = FacilityRoleName.CONTRIBUTOR, **fields: Any) -> tuple[Facility, Any]:
    facility = factories.make_facility(name=name, **fields)
    return facility, factories.make_member(facility, role)
