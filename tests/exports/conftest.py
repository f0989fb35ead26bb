"""Builders for the export tests: rows of every office list, made straight in the database.

Each builder makes `n` rows of its list (facility names from `names`, so a formula-looking
name lands in every export) and returns nothing; the lists' own selectors pick them up.
"""

from __future__ import annotations

import copy
import datetime
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from iasios.accounts.roles import ProgrammeRoleName
from iasios.applications.models import Cycle
from iasios.assessment.models import AssessorProfile, Assignment, EvidenceRequest
from iasios.billing.models import Consultation, Invoice, Payment
from iasios.decisions.models import Appeal, Award, CorrectiveAction, Decision
from iasios.facilities.models import Facility
from iasios.standards.models import FrameworkStatus, FrameworkVersion, Requirement, Section, Standard
from tests import factories
from tests.billing.conftest import PROGRAMME

FORMULA_NAME = '=HYPERLINK("http://evil.example","click")'
_numbers = itertools.count(1)


def names(n: int) -> Iterator[str]:
    """The first row's facility is named like a formula; the others plainly."""
    for i in range(n):
        yield FORMULA_NAME if i == 0 else f"Centre {next(_numbers)}"


@pytest.fixture
def programme_framework(db: Any) -> FrameworkVersion:
    """A current framework version carrying the billing tests' PROGRAMME (the shipped one is superseded)."""
    FrameworkVersion.objects.current().update(status=FrameworkStatus.SUPERSEDED)
    version = FrameworkVersion.objects.create(
        code="export-test",
        version="1",
        title="Export test framework",
        published_on=datetime.date(2026, 1, 1),
        programme=copy.deepcopy(PROGRAMME),
        source_sha256="0" * 64,
        source_name="export-test.yaml",
    )
    FrameworkVersion.objects.filter(pk=version.pk).update(status=FrameworkStatus.CURRENT)
    version.refresh_from_db()
    return version


def requirement_of(framework: FrameworkVersion) -> Requirement:
    section, _ = Section.objects.get_or_create(framework=framework, number=1, defaults={"title": "Staff"})
    standard, _ = Standard.objects.get_or_create(
        framework=framework, section=section, number=1, defaults={"title": "Leadership"}
    )
    requirement, _ = Requirement.objects.get_or_create(
        framework=framework, standard=standard, letter="a", defaults={"core": True, "text": "A lead is named."}
    )
    return requirement


@dataclass
class Builder:
    cast: Any
    framework: FrameworkVersion

    @property
    def today(self) -> datetime.date:
        return timezone.localdate()

    def facility(self, name: str, **fields: Any) -> Facility:
        return factories.make_facility(name=name, **fields)

    def cycle(self, name: str, status: str, **fields: Any) -> Cycle:
        return Cycle.objects.create(
            facility=self.facility(name, status="enrolled"),
            framework=self.framework,
            status=status,
            submitted_at=timezone.now() - datetime.timedelta(days=20),
            **fields,
        )

    def invoice(self, facility: Facility, *, overdue: bool, total: str = "880.15") -> Invoice:
        n = next(_numbers)
        issued = self.today - datetime.timedelta(days=90 if overdue else 5)
        return Invoice.objects.create(
            facility=facility,
            kind="annual",
            number=f"T{n:07d}",
            issued_on=issued,
            due_on=issued + datetime.timedelta(days=30),
            currency="CHF",
            total=Decimal(total),
            payer_name=facility.name,
        )

    # -- one builder per list ---------------------------------------------------------------

    def facilities(self, n: int, status: str = "enrolled") -> None:
        for name in names(n):
            self.facility(name, status=status)

    def invoices(self, n: int, overdue: bool = True) -> None:
        for name in names(n):
            self.invoice(self.facility(name), overdue=overdue)

    def payments(self, n: int) -> None:
        for i, name in enumerate(names(n)):
            invoice = self.invoice(self.facility(name), overdue=False, total="500.00")
            Payment.objects.create(
                invoice=invoice,
                amount=Decimal("125.50"),
                paid_on=self.today,
                reference="@SUM(A1)" if i == 0 else f"REF-{i}",
                recorded_by=self.cast.office,
            )

    def consultations(self, n: int, status: str = "requested") -> None:
        for i, name in enumerate(names(n)):
            Consultation.objects.create(
                facility=self.facility(name),
                requested_by=self.cast.contributor,
                topic="+1 topic" if i == 0 else f"Topic {i}",
                status=status,
            )

    def triage(self, n: int) -> None:
        for name in names(n):
            self.cycle(name, "submitted")

    def assessors(self, n: int) -> None:
        for i, name in enumerate(names(n)):
            user = factories.make_staff(ProgrammeRoleName.ASSESSOR, name=name, mfa=False)
            AssessorProfile.objects.create(user=user, country="DE", institution=f"Institute {i}")

    def clocks(self, n: int) -> None:
        for name in names(n):
            self.cycle(name, "in_assessment")

    def overdue_requests(self, n: int) -> None:
        requirement = requirement_of(self.framework)
        for name in names(n):
            cycle = self.cycle(name, "in_assessment")
            assignment = Assignment.objects.create(
                cycle=cycle, assessor=self.cast.assessor, assigned_by=self.cast.office, status="accepted"
            )
            EvidenceRequest.objects.create(
                cycle=cycle,
                assignment=assignment,
                requirement=requirement,
                due_on=self.today - datetime.timedelta(days=3),
                opened_at=timezone.now() - datetime.timedelta(days=40),
            )

    def decision(self, name: str) -> Decision:
        cycle = self.cycle(name, "decided")
        return Decision.objects.create(
            cycle=cycle,
            status="decided",
            outcome="accredited",
            recommended_outcome="accredited",
            decided_on=self.today - datetime.timedelta(days=10),
            dossier_sha256="ab" * 32,
        )

    def decisions(self, n: int) -> None:
        for name in names(n):
            self.decision(name)

    def corrective_actions(self, n: int) -> None:
        for name in names(n):
            CorrectiveAction.objects.create(
                decision=self.decision(name), description="-Fix the checklist", owner="Head", due_on=self.today
            )

    def appeals(self, n: int) -> None:
        for name in names(n):
            Appeal.objects.create(
                decision=self.decision(name), lodged_by=self.cast.representative, lodged_on=self.today, grounds="x"
            )

    def awards(self, n: int) -> None:
        for name in names(n):
            decision = self.decision(name)
            Award.objects.create(
                facility=decision.cycle.facility,
                cycle=decision.cycle,
                decision=decision,
                level="accredited",
                valid_from=self.today,
                valid_until=self.today + datetime.timedelta(days=4 * 365),
            )


@pytest.fixture
def builder(cast: Any, programme_framework: FrameworkVersion) -> Builder:
    return Builder(cast, programme_framework)


@dataclass(frozen=True)
class OfficeList:
    """One exportable office list: where it is, which table of the page, how to fill it."""

    key: str
    path: str
    build: Callable[[Builder, int], None]
    table: str = ""


OFFICE_LISTS = [
    OfficeList("facilities", "/office/facilities/", Builder.facilities),
    OfficeList("invoices", "/office/billing/", Builder.invoices),
    OfficeList("payments", "/office/billing/payments/", Builder.payments),
    OfficeList("overdue", "/office/billing/overdue/", Builder.invoices),
    OfficeList("consultations", "/office/billing/consultations/", Builder.consultations),
    OfficeList("triage", "/office/assessment/", Builder.triage),
    OfficeList("assessors", "/office/assessment/assessors/", Builder.assessors),
    OfficeList("clocks", "/office/assessment/applications/", Builder.clocks, "decision-clocks"),
    OfficeList(
        "overdue-requests",
        "/office/assessment/applications/",
        Builder.overdue_requests,
        "overdue-evidence-requests",
    ),
    OfficeList("corrective-actions", "/office/decisions/", Builder.corrective_actions, "corrective-actions"),
    OfficeList("decisions", "/office/decisions/", Builder.decisions, "decisions"),
    OfficeList("appeals", "/office/decisions/", Builder.appeals, "appeals"),
    OfficeList("awards", "/office/decisions/", Builder.awards, "awards"),
]


def export_url(office_list: OfficeList, fmt: str, query: str = "") -> str:
    params = [p for p in (query, f"format={fmt}", f"table={office_list.table}" if office_list.table else "") if p]
    return f"{office_list.path}?{'&'.join(params)}"
