"""The billing sweep: annual invoices on anniversaries, warnings, lapse and restore. The clock moves by `today`."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command

from iasios.billing import services
from iasios.billing.models import Invoice
from iasios.core.models import Event
from iasios.facilities.models import Facility
from iasios.standards.programme import ProgrammeSettings
from tests.billing.conftest import set_facility_state

pytestmark = pytest.mark.django_db

ENROLLED_ON = date(2025, 3, 10)
ANNIVERSARY = date(2026, 3, 10)


@pytest.fixture
def enrolled(cast: Any, programme: ProgrammeSettings) -> Facility:
    return set_facility_state(cast.facility, "enrolled", enrolled_on=ENROLLED_ON)


def test_nothing_is_issued_before_the_first_anniversary(enrolled: Facility) -> None:
    result = services.billing_sweep(today=ANNIVERSARY - timedelta(days=1))
    assert result.issued == []
    assert not Invoice.objects.exists()


def test_sweep_twice_issues_one_annual_invoice_for_the_year(enrolled: Facility, programme: ProgrammeSettings) -> None:
    first = services.billing_sweep(today=ANNIVERSARY)
    second = services.billing_sweep(today=ANNIVERSARY)
    later = services.billing_sweep(today=ANNIVERSARY + timedelta(days=5))
    assert len(first.issued) == 1
    assert second.issued == [] and later.issued == []
    invoice = Invoice.objects.get()
    assert (invoice.kind, invoice.period_start, invoice.period_end) == ("annual", ANNIVERSARY, date(2027, 3, 9))
    assert (invoice.issued_on, invoice.due_on) == (ANNIVERSARY, ANNIVERSARY + timedelta(days=21))
    assert invoice.total == programme.fees.annual_fee
    # The next year brings the next invoice.
    assert len(services.billing_sweep(today=date(2027, 3, 10)).issued) == 1


def test_a_credited_year_is_not_reissued_by_the_sweep(enrolled: Facility, cast: Any) -> None:
    invoice = services.billing_sweep(today=ANNIVERSARY).issued[0]
    services.credit_note_issue(invoice=invoice, reason="Waived this year", actor=cast.office)
    assert services.billing_sweep(today=ANNIVERSARY + timedelta(days=1)).issued == []


def test_other_states_get_no_annual_invoice(cast: Any, programme: ProgrammeSettings) -> None:
    set_facility_state(cast.facility, "lapsed", enrolled_on=ENROLLED_ON)
    set_facility_state(cast.other_facility, "awaiting_payment", enrolled_on=None)
    assert services.billing_sweep(today=ANNIVERSARY).issued == []


def test_warned_once_then_lapsed_after_grace_then_restored_by_payment(
    enrolled: Facility, cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    invoice = services.billing_sweep(today=ANNIVERSARY).issued[0]
    due = invoice.due_on
    assert services.billing_sweep(today=due).warned == []  # due today: not overdue yet

    with django_capture_on_commit_callbacks(execute=True):
        warned = services.billing_sweep(today=due + timedelta(days=1))
    assert warned.warned == [invoice]
    assert any(invoice.number in m.subject and "risk" in m.subject for m in mail.outbox)
    assert services.billing_sweep(today=due + timedelta(days=2)).warned == []

    last_day = services.billing_sweep(today=due + timedelta(days=45))  # grace is 45 days
    assert last_day.lapsed == []
    assert Facility.objects.get(pk=enrolled.pk).status == "enrolled"

    lapsed = services.billing_sweep(today=due + timedelta(days=46))
    assert [f.pk for f in lapsed.lapsed] == [enrolled.pk]
    facility = Facility.objects.get(pk=enrolled.pk)
    assert facility.status == "lapsed"
    event = Event.objects.for_object(facility).filter(action="lapse").get()
    assert invoice.number in event.reason
    assert services.billing_sweep(today=due + timedelta(days=47)).lapsed == []

    services.payment_record(
        invoice=invoice, amount=invoice.total, paid_on=due + timedelta(days=50), reference="LATE", actor=cast.office
    )
    assert Facility.objects.get(pk=enrolled.pk).status == "enrolled"


def test_restore_waits_until_no_other_lapsing_invoice_remains(enrolled: Facility, cast: Any) -> None:
    old = services.invoice_issue_annual(facility=enrolled, period_start=ANNIVERSARY, issued_on=date(2020, 1, 1))
    older = services.invoice_issue_annual(facility=enrolled, period_start=date(2027, 3, 10), issued_on=date(2020, 1, 2))
    services.billing_sweep(today=ANNIVERSARY - timedelta(days=1))
    assert Facility.objects.get(pk=enrolled.pk).status == "lapsed"

    services.payment_record(invoice=old, amount=old.total, paid_on=date(2021, 1, 1), reference="1", actor=cast.office)
    assert Facility.objects.get(pk=enrolled.pk).status == "lapsed"
    services.payment_record(
        invoice=older, amount=older.total, paid_on=date(2021, 1, 1), reference="2", actor=cast.office
    )
    assert Facility.objects.get(pk=enrolled.pk).status == "enrolled"


def test_command_prints_what_it_did_and_is_idempotent(enrolled: Facility) -> None:
    out = StringIO()
    call_command("billing_sweep", "--today", ANNIVERSARY.isoformat(), stdout=out)
    text = out.getvalue()
    assert "1 invoice(s) issued" in text
    number = Invoice.objects.get().number
    assert f"issued {number}" in text
    out = StringIO()
    call_command("billing_sweep", "--today", ANNIVERSARY.isoformat(), stdout=out)
    assert "0 invoice(s) issued" in out.getvalue()
    assert Invoice.objects.count() == 1


def test_command_refuses_a_bad_date(programme: ProgrammeSettings) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("billing_sweep", "--today", "31/05/2026")


def test_current_period_start() -> None:
    assert services.current_period_start(date(2025, 3, 10), date(2026, 3, 9)) is None
    assert services.current_period_start(date(2025, 3, 10), date(2026, 3, 10)) == date(2026, 3, 10)
    assert services.current_period_start(date(2025, 3, 10), date(2028, 1, 1)) == date(2027, 3, 10)
