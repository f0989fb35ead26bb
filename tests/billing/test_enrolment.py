"""The office confirms a registration: the facility transition and the enrolment invoice in one transaction."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from iasios.billing import services
from iasios.core.models import Event
from iasios.facilities.models import Facility, FacilityStatus


@pytest.fixture
def issued(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The enrolment invoice replaced by a recorder: these tests are about what confirming does."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(services, "invoice_issue_enrolment", lambda **kwargs: calls.append(kwargs))
    return calls


def test_confirm_issues_the_enrolment_invoice_in_the_same_transaction(cast: Any, issued: list[Any]) -> None:
    facility = services.enrolment_confirm(facility=cast.facility, actor=cast.office, sponsor=" Grant Fund ")
    assert facility.status == FacilityStatus.AWAITING_PAYMENT
    assert issued == [{"facility": facility, "actor": cast.office, "sponsor": "Grant Fund"}]
    event = Event.objects.for_object(facility).get(action="confirm")
    assert (event.from_state, event.to_state, event.actor) == ("registered", "awaiting_payment", cast.office)
    assert event.data == {"sponsor": "Grant Fund"}


def test_confirm_rolls_back_when_invoicing_fails(cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(**kwargs: Any) -> None:
        raise RuntimeError("no invoice")

    monkeypatch.setattr(services, "invoice_issue_enrolment", boom)
    with pytest.raises(RuntimeError):
        services.enrolment_confirm(facility=cast.facility, actor=cast.office)
    assert Facility.objects.get(pk=cast.facility.pk).status == FacilityStatus.REGISTERED
    assert not Event.objects.for_object(cast.facility).filter(action="confirm").exists()


def test_only_the_office_confirms_and_nothing_is_invoiced_otherwise(cast: Any, issued: list[Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.enrolment_confirm(facility=cast.facility, actor=cast.representative)
    assert issued == []
    assert Facility.objects.get(pk=cast.facility.pk).status == FacilityStatus.REGISTERED


def test_confirm_with_the_real_invoice(cast: Any, programme: Any) -> None:
    facility = services.enrolment_confirm(facility=cast.facility, actor=cast.office)
    invoice = facility.invoices.get()
    assert (invoice.kind, invoice.status, invoice.currency) == ("enrolment", "issued", "CHF")
