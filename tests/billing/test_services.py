"""Billing services: issuing, numbering, payments, credit notes, immutability, consultations."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from iasios.billing import services
from iasios.billing.models import (
    Consultation,
    ImmutableRecord,
    Invoice,
    InvoiceLine,
    Payment,
)
from iasios.core.formats.money import money
from iasios.core.models import Event, NumberCounter
from iasios.core.numbering import next_number
from iasios.core.statemachine import TransitionNotAllowed
from iasios.facilities.models import Facility
from iasios.standards.programme import ProgrammeSettings
from tests import factories

pytestmark = pytest.mark.django_db


def test_enrolment_invoice_bills_the_enrolment_fee_and_first_annual_fee_from_the_schedule(
    enrolment_invoice: Invoice, programme: ProgrammeSettings
) -> None:
    invoice = enrolment_invoice
    lines = list(invoice.lines.values_list("amount", flat=True))
    assert lines == [Decimal("1725.40"), Decimal("880.15")]
    assert invoice.total == Decimal("2605.55")
    assert invoice.currency == "CHF"
    assert invoice.due_on == invoice.issued_on + timedelta(days=21)
    assert invoice.kind == "enrolment"
    assert invoice.status == "issued"
    assert invoice.number == f"{invoice.issued_on.year}-00001"
    assert invoice.payer_kind == "facility"
    assert invoice.payer_name == "Hôpital Central IO"
    assert invoice.period_start is None
    assert Event.objects.for_object(invoice).filter(action="invoice_issued").count() == 1


def test_a_sponsor_is_the_payer_when_named(awaiting: Facility, cast: Any) -> None:
    invoice = services.invoice_issue_enrolment(
        facility=awaiting, actor=cast.office, sponsor=" Oncology Grant Fund ", sponsor_address="1 Grant Street\nBern"
    )
    assert (invoice.payer_kind, invoice.payer_name, invoice.payer_address) == (
        "sponsor",
        "Oncology Grant Fund",
        "1 Grant Street\nBern",
    )


def test_the_shipped_framework_fees_are_used(cast: Any, framework: Any) -> None:
    fees = framework.settings.fees
    invoice = services.invoice_issue_enrolment(facility=cast.facility, actor=cast.office)
    assert invoice.total == fees.enrolment_fee + fees.annual_fee
    assert invoice.currency == fees.currency


def test_numbers_are_consecutive_per_year_and_restart_each_year(awaiting: Facility, cast: Any) -> None:
    first = services.invoice_issue_annual(facility=awaiting, period_start=date(2026, 3, 1), issued_on=date(2026, 3, 1))
    second = services.invoice_issue_annual(
        facility=awaiting, period_start=date(2027, 3, 1), issued_on=date(2026, 12, 31)
    )
    next_year = services.invoice_issue_annual(
        facility=awaiting, period_start=date(2028, 3, 1), issued_on=date(2027, 1, 2)
    )
    assert [first.number, second.number, next_year.number] == ["2026-00001", "2026-00002", "2027-00001"]


def test_a_rolled_back_issue_returns_its_number(awaiting: Facility, cast: Any) -> None:
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
        raise Boom
    assert not Invoice.objects.exists()
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    assert invoice.number.endswith("-00001")


@pytest.mark.django_db(transaction=True)
def test_numbers_must_be_taken_inside_a_transaction() -> None:
    with pytest.raises(RuntimeError):
        next_number("invoice", 2026)
    assert not NumberCounter.objects.exists()


def test_overpayment_is_refused_with_the_balance_and_records_nothing(enrolment_invoice: Invoice, cast: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.payment_record(
            invoice=enrolment_invoice, amount="2605.56", paid_on=timezone.localdate(), reference="T1", actor=cast.office
        )
    assert "2605.55" in exc.value.message_dict["amount"][0]
    assert not Payment.objects.exists()
    enrolment_invoice.refresh_from_db()
    assert enrolment_invoice.status == "issued"


@pytest.mark.parametrize("amount", ["0", "-5", "10.001", "abc"])
def test_bad_amounts_are_refused(enrolment_invoice: Invoice, cast: Any, amount: str) -> None:
    with pytest.raises(ValidationError):
        services.payment_record(
            invoice=enrolment_invoice, amount=amount, paid_on=timezone.localdate(), reference="T", actor=cast.office
        )
    assert not Payment.objects.exists()


def test_partial_then_full_payment_settles_and_enrols_the_facility(enrolment_invoice: Invoice, cast: Any) -> None:
    today = timezone.localdate()
    services.payment_record(
        invoice=enrolment_invoice, amount="1000.00", paid_on=today, reference="A", actor=cast.office
    )
    invoice = Invoice.objects.with_paid().get(pk=enrolment_invoice.pk)
    assert (invoice.status, invoice.paid, invoice.balance, invoice.display_status) == (
        "issued",
        Decimal("1000.00"),
        Decimal("1605.55"),
        "Partially paid",
    )
    facility = Facility.objects.get(pk=cast.facility.pk)
    assert facility.status == "awaiting_payment"

    services.payment_record(
        invoice=enrolment_invoice, amount="1605.55", paid_on=today, reference="B", actor=cast.office
    )
    invoice.refresh_from_db()
    assert (invoice.status, invoice.settled_on) == ("paid", today)
    facility.refresh_from_db()
    assert facility.status == "enrolled"
    assert facility.enrolled_on == today
    actions = list(Event.objects.for_object(invoice).values_list("action", flat=True))
    assert actions.count("payment_recorded") == 2
    assert "invoice_settled" in actions


def test_no_payment_on_a_paid_invoice(enrolment_invoice: Invoice, cast: Any) -> None:
    today = timezone.localdate()
    services.payment_record(
        invoice=enrolment_invoice, amount="2605.55", paid_on=today, reference="A", actor=cast.office
    )
    with pytest.raises(ValidationError, match="paid"):
        services.payment_record(invoice=enrolment_invoice, amount="1", paid_on=today, reference="B", actor=cast.office)


def test_emails_leave_after_commit_to_representative_and_contact(
    awaiting: Facility, cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert invoice.number in message.subject
    assert sorted(message.to) == sorted([cast.representative.email, cast.contact.email])
    assert money(Decimal("2605.55"), "CHF") in message.body
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_record(
            invoice=invoice, amount="5.55", paid_on=timezone.localdate(), reference="X", actor=cast.office
        )
    assert "Payment received" in mail.outbox[1].subject
    assert "2,600.00" in mail.outbox[1].body


def test_credit_note_cancels_the_invoice_with_its_own_number(enrolment_invoice: Invoice, cast: Any) -> None:
    note = services.credit_note_issue(invoice=enrolment_invoice, reason="Wrong payer", actor=cast.office)
    enrolment_invoice.refresh_from_db()
    assert enrolment_invoice.status == "cancelled"
    assert note.number == f"CN-{note.issued_on.year}-00001"
    assert (note.amount, note.currency) == (enrolment_invoice.total, "CHF")
    event = Event.objects.for_object(enrolment_invoice).get(action="invoice_cancelled")
    assert (event.reason, event.data["credit_note"]) == ("Wrong payer", note.number)
    with pytest.raises(ValidationError, match="already cancelled"):
        services.credit_note_issue(invoice=enrolment_invoice, reason="Again", actor=cast.office)
    with pytest.raises(ValidationError):
        services.payment_record(
            invoice=enrolment_invoice, amount="1", paid_on=timezone.localdate(), reference="R", actor=cast.office
        )


def test_credit_note_is_refused_once_anything_is_paid(enrolment_invoice: Invoice, cast: Any) -> None:
    services.payment_record(
        invoice=enrolment_invoice, amount="1.00", paid_on=timezone.localdate(), reference="R", actor=cast.office
    )
    with pytest.raises(ValidationError, match="refund"):
        services.credit_note_issue(invoice=enrolment_invoice, reason="Oops", actor=cast.office)
    enrolment_invoice.refresh_from_db()
    assert enrolment_invoice.status == "issued"


def test_credit_note_needs_a_reason(enrolment_invoice: Invoice, cast: Any) -> None:
    with pytest.raises(ValidationError):
        services.credit_note_issue(invoice=enrolment_invoice, reason="  ", actor=cast.office)


def test_an_issued_invoice_never_changes(enrolment_invoice: Invoice) -> None:
    invoice = Invoice.objects.get(pk=enrolment_invoice.pk)
    invoice.total = Decimal("1.00")
    with pytest.raises(ImmutableRecord):
        invoice.save()
    with pytest.raises(ImmutableRecord):
        invoice.save(update_fields=["total"])
    with pytest.raises(ImmutableRecord):
        Invoice.objects.filter(pk=invoice.pk).update(payer_name="Someone else")
    with pytest.raises(ImmutableRecord):
        invoice.delete()
    line = InvoiceLine.objects.filter(invoice=invoice).first()
    assert line is not None
    line.amount = Decimal("0")
    with pytest.raises(ImmutableRecord):
        line.save()
    with pytest.raises(ImmutableRecord):
        line.delete()
    fresh = Invoice.objects.get(pk=invoice.pk)
    assert (fresh.total, fresh.payer_name) == (Decimal("2605.55"), "Hôpital Central IO")


def test_a_payment_never_changes(enrolment_invoice: Invoice, cast: Any) -> None:
    payment = services.payment_record(
        invoice=enrolment_invoice, amount="10", paid_on=timezone.localdate(), reference="R", actor=cast.office
    )
    payment.amount = Decimal("20")
    with pytest.raises(ImmutableRecord):
        payment.save()


def test_the_same_membership_year_cannot_be_billed_twice(awaiting: Facility) -> None:
    services.invoice_issue_annual(facility=awaiting, period_start=date(2026, 5, 1), issued_on=date(2026, 5, 1))
    with pytest.raises(ValidationError):
        services.invoice_issue_annual(facility=awaiting, period_start=date(2026, 5, 1), issued_on=date(2026, 5, 2))
    # The failed issue gave its number back.
    nxt = services.invoice_issue_annual(facility=awaiting, period_start=date(2027, 5, 1), issued_on=date(2026, 5, 3))
    assert nxt.number == "2026-00002"


def test_a_credited_year_can_be_billed_again(awaiting: Facility, cast: Any) -> None:
    first = services.invoice_issue_annual(facility=awaiting, period_start=date(2026, 5, 1), issued_on=date(2026, 5, 1))
    services.credit_note_issue(invoice=first, reason="To the sponsor", actor=cast.office)
    again = services.invoice_issue_annual(
        facility=awaiting, period_start=date(2026, 5, 1), sponsor="Grant Fund", issued_on=date(2026, 5, 2)
    )
    assert (again.payer_name, again.period_end) == ("Grant Fund", date(2027, 4, 30))


def test_consultation_request_schedule_invoice(cast: Any, programme: ProgrammeSettings) -> None:
    consultation = services.consultation_request(
        facility=cast.facility, actor=cast.representative, topic="Case review", preferred_dates="May"
    )
    assert consultation.status == "requested"
    when = timezone.make_aware(datetime(2026, 6, 2, 10, 0))
    services.consultation_schedule(consultation=consultation, scheduled_for=when, actor=cast.office)
    invoice = services.invoice_issue_consultation(consultation=consultation, actor=cast.office)
    consultation = Consultation.objects.get(pk=consultation.pk)
    assert (consultation.status, consultation.invoice_id, consultation.scheduled_for) == ("invoiced", invoice.pk, when)
    assert (invoice.kind, invoice.total, invoice.currency) == ("consultation", Decimal("315.00"), "CHF")
    with pytest.raises(ValidationError):
        services.invoice_issue_consultation(consultation=consultation, actor=cast.office)
    with pytest.raises(TransitionNotAllowed):
        services.consultation_cancel(consultation=consultation, reason="late", actor=cast.office)


def test_a_requested_consultation_cannot_be_invoiced_and_can_be_cancelled(cast: Any, programme: Any) -> None:
    consultation = services.consultation_request(facility=cast.facility, actor=cast.contact, topic="ICR")
    with pytest.raises(ValidationError):
        services.invoice_issue_consultation(consultation=consultation, actor=cast.office)
    assert not Invoice.objects.exists()
    services.consultation_cancel(consultation=consultation, reason="No longer needed", actor=cast.contact)
    assert Consultation.objects.get(pk=consultation.pk).status == "cancelled"


def test_a_consultation_needs_a_topic(cast: Any) -> None:
    with pytest.raises(ValidationError):
        services.consultation_request(facility=cast.facility, actor=cast.representative, topic=" ")


def test_add_years_handles_29_february() -> None:
    assert services.add_years(date(2028, 2, 29), 1) == date(2029, 2, 28)
    assert services.membership_period(date(2026, 3, 1)) == (date(2026, 3, 1), date(2027, 2, 28))


def test_recipients_are_the_representative_and_contact_only(cast: Any) -> None:
    other = factories.make_member(cast.other_facility)
    recipients = services.billing_recipients(cast.facility)
    assert sorted(recipients) == sorted([cast.representative.email, cast.contact.email])
    assert other.email not in recipients
