"""Helpers for the facility tests: a valid registration, facilities in a given state."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from iasios.facilities.models import Facility
from iasios.facilities.services import Person, RegistrationInput
from iasios.standards.selectors import current_programme_settings


def volumes_totalling(total: int) -> dict[str, int]:
    """Spread `total` over the programme's categories (first category takes the remainder)."""
    codes = [code for code, _label in current_programme_settings().procedure_categories]
    share = total // len(codes)
    volumes = dict.fromkeys(codes, share)
    volumes[codes[0]] += total - share * len(codes)
    return volumes


def registration_data(**overrides: Any) -> RegistrationInput:
    threshold = current_programme_settings().volume_threshold
    data = RegistrationInput(
        name="Interventional Oncology Unit",
        institution="St Elsewhere University Hospital",
        independent=False,
        address="1 Hospital Road",
        city="Ghent",
        country="BE",
        website="https://st-elsewhere.example",
        volumes=volumes_totalling(threshold + 10),
        approver_name="Dr Head",
        approver_role="Head of radiology",
        approval_attested=True,
        representative=Person(name="Rita Rep", email="rita@example.org", phone="+32 1"),
        contact=Person(name="Carl Contact", email="carl@example.org", phone="+32 2"),
        listed_publicly=True,
    )
    return replace(data, **overrides)


def set_status(facility: Facility, status: str) -> Facility:
    """Put a test facility in a state directly (set-up only; code always uses the lifecycle)."""
    Facility.objects.filter(pk=facility.pk).update(status=status)
    facility.refresh_from_db()
    return facility


@pytest.fixture
def fake_invoice(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Replace the enrolment invoice with a recorder, for tests about the facility side only."""
    calls: list[dict[str, Any]] = []

    def issue(**kwargs: Any) -> None:
        calls.append(kwargs)

    monkeypatch.setattr("iasios.billing.services.invoice_issue_enrolment", issue)
    return calls
