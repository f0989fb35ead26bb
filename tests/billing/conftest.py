"""Fixtures of the billing tests: a current framework with its own fee schedule, and helpers."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from iasios.billing import services
from iasios.billing.models import Invoice
from iasios.facilities.models import Facility
from iasios.standards.models import FrameworkStatus, FrameworkVersion
from iasios.standards.programme import ProgrammeSettings

# Deliberately unlike the shipped file's fees, so a fee written into code would show up.
PROGRAMME: dict[str, Any] = {
    "volume_threshold": 150,
    "case_review_sample_size": 30,
    "case_review_period_months": 12,
    "award_validity_months": 48,
    "decision_target_weeks": {"min": 8, "max": 12},
    "evidence_response_days": 30,
    "invoice_due_days": 21,
    "lapse_grace_days": 45,
    "appeal_window_days": 30,
    "resubmission_window_months": 12,
    "recertification_opens_months": 12,
    "committee_quorum": 3,
    "expiry_reminder_months": [12, 6, 3, 1],
    "evidence_reminder_days": [7, 1, 0],
    "fees": {"currency": "CHF", "enrolment": "1725.40", "annual": "880.15", "consultation": "315.00"},
    "procedure_categories": [{"code": "ablation", "label": "Ablation"}],
}


@pytest.fixture
def programme(db: Any) -> ProgrammeSettings:
    """A current framework version carrying PROGRAMME (the shipped one is superseded); returns its parsed settings."""
    FrameworkVersion.objects.current().update(status=FrameworkStatus.SUPERSEDED)
    version = FrameworkVersion.objects.create(
        code="billing-test",
        version="1",
        title="Billing test framework",
        published_on=date(2026, 1, 1),
        programme=copy.deepcopy(PROGRAMME),
        source_sha256="0" * 64,
        source_name="billing-test.yaml",
    )
    FrameworkVersion.objects.filter(pk=version.pk).update(status=FrameworkStatus.CURRENT)
    return ProgrammeSettings.from_dict(PROGRAMME)


def set_facility_state(facility: Facility, status: str, enrolled_on: date | None = None) -> Facility:
    """Put a facility in a state for a test's set-up (the lifecycle is the facilities app's)."""
    Facility.objects.filter(pk=facility.pk).update(status=status, enrolled_on=enrolled_on)
    facility.refresh_from_db()
    return facility


@pytest.fixture
def awaiting(cast: Any, programme: ProgrammeSettings) -> Facility:
    return set_facility_state(cast.facility, "awaiting_payment")


@pytest.fixture
def enrolment_invoice(awaiting: Facility, cast: Any) -> Invoice:
    return services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)


def money(value: str) -> Decimal:
    return Decimal(value)
