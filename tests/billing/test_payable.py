"""Payable invoices: the issuer's details and bank account on every invoice; the office records a
payment from its lists; the facility's "Pay" panel (issue 11)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from iasios.billing import pdf, services
from iasios.billing.iban import compact, format_iban, iban_checksum_ok, validate_bic, validate_iban
from iasios.billing.issuer import payment_instructions
from iasios.billing.models import Invoice, InvoiceStatus, Issuer, Payment
from iasios.core.formats.money import money
from iasios.core.models import Event
from iasios.facilities.models import Facility
from tests.conftest import ROLES

IBAN = "BE90 9992 0260 0132"  # fictitious (bank code 999), with valid check digits
DETAILS = {
    "name": "IO Accreditation Programme Office",
    "address": "Rue de l'Exemple 1\n1000 Brussels\nBelgium",
    "vat_number": "BE0999.999.999",
    "email": "billing@programme.example",
    "bank_name": "Programme Test Bank",
    "iban": IBAN,
    "bic": "PRGMBEBB",
    "payment_reference_prefix": "IOA",
}


@pytest.fixture
def issuer(cast: Any) -> Issuer:
    return services.issuer_save(actor=cast.office, **DETAILS)


# ── IBAN and BIC ─────────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize("iban", [IBAN, "GB82 WEST 1234 5698 7654 32", "de89370400440532013000"])
def test_valid_ibans_pass(iban: str) -> None:
    validate_iban(iban)
    assert iban_checksum_ok(compact(iban))


@pytest.mark.parametrize(
    ("iban", "code"),
    [("BE90 9992 0260 0133", "iban_check"), ("GB83WEST12345698765432", "iban_check"), ("1234", "iban_shape")],
)
def test_a_typing_error_in_an_iban_is_refused(iban: str, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_iban(iban)
    assert exc.value.code == code


def test_iban_is_printed_in_groups_of_four() -> None:
    assert format_iban("be90999202600132") == "BE90 9992 0260 0132"


@pytest.mark.parametrize(
    ("bic", "ok"), [("PRGMBEBB", True), ("GKCCBEBB123", True), ("PRGM", False), ("PRGMBEB", False)]
)
def test_bic_shape(bic: str, ok: bool) -> None:
    if ok:
        validate_bic(bic)
    else:
        with pytest.raises(ValidationError):
            validate_bic(bic)


# ── the office sets the details ──────────────────────────────────────────────────────────────


def test_office_saves_the_details_compacted_and_there_is_one_row(cast: Any, issuer: Issuer) -> None:
    assert (issuer.iban, issuer.bic) == ("BE90999202600132", "PRGMBEBB")
    services.issuer_save(actor=cast.office, **{**DETAILS, "bank_name": "Other Bank"})
    assert Issuer.objects.get().bank_name == "Other Bank"


def test_saving_the_same_details_again_records_nothing(cast: Any, issuer: Issuer) -> None:
    events, history = Event.objects.count(), issuer.history.count()
    services.issuer_save(actor=cast.office, **DETAILS)
    assert (Event.objects.count(), issuer.history.count()) == (events, history)


def test_facility_staff_cannot_set_the_details(cast: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.issuer_save(actor=cast.representative, **DETAILS)
    assert not Issuer.objects.exists()


def test_a_wrong_iban_is_refused_by_the_service(cast: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        services.issuer_save(actor=cast.office, **{**DETAILS, "iban": "BE91 9992 0260 0132"})
    assert "iban" in exc.value.message_dict
    assert not Issuer.objects.exists()


ISSUER_PAGE = {
    **dict.fromkeys(["representative", "contact", "contributor", "read_only", "outsider"], 403),
    **dict.fromkeys(["assessor", "committee"], 403),
    "office": 200,
    "administrator": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("who", ROLES)
def test_issuer_page_answers_each_role(cast: Any, who: str) -> None:
    client = cast.client_for(who)
    assert client.get(reverse("office_billing:issuer")).status_code == ISSUER_PAGE[who]
    client.post(reverse("office_billing:issuer"), DETAILS)
    assert Issuer.objects.exists() == (ISSUER_PAGE[who] == 200)


def test_issuer_page_keeps_the_input_and_names_the_wrong_check_digits(cast: Any) -> None:
    response = cast.client_for("office").post(
        reverse("office_billing:issuer"), {**DETAILS, "iban": "BE91 9992 0260 0132"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "check digits do not match" in page
    assert "BE91 9992 0260 0132" in page
    assert "Programme Test Bank" in page


# ── the invoice carries them ─────────────────────────────────────────────────────────────────


def test_invoice_keeps_the_details_it_was_issued_with(cast: Any, awaiting: Facility, issuer: Issuer) -> None:
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    services.issuer_save(actor=cast.office, **{**DETAILS, "iban": "GB82 WEST 1234 5698 7654 32", "bic": "WESTGB22"})
    invoice.refresh_from_db()
    pay = payment_instructions(invoice)
    assert pay.issuer.iban == "BE90999202600132"
    assert pay.reference == f"IOA {invoice.number}"
    later = services.invoice_issue_annual(facility=awaiting, period_start=timezone.localdate(), actor=cast.office)
    assert payment_instructions(later).issuer.iban == "GB82WEST12345698765432"


def test_an_invoice_issued_before_the_details_were_set_shows_the_current_ones(cast: Any, awaiting: Facility) -> None:
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    assert not payment_instructions(invoice).issuer.can_be_paid
    services.issuer_save(actor=cast.office, **DETAILS)
    invoice.refresh_from_db()
    assert payment_instructions(invoice).issuer.iban_display == IBAN


def test_an_invoice_from_before_the_issuer_details_existed_shows_the_current_ones(
    cast: Any, awaiting: Facility, issuer: Issuer
) -> None:
    """Invoices issued before the details were kept on each invoice hold an empty record."""
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    QuerySet(Invoice).filter(pk=invoice.pk).update(issuer={})  # as the migration left them
    invoice.refresh_from_db()
    assert payment_instructions(invoice).issuer.iban_display == IBAN
    page = cast.client_for("representative").get(reverse("billing:invoice_detail", args=[invoice.pk]))
    assert page.status_code == 200


def test_invoice_page_pdf_and_mail_say_whom_to_pay_where_and_quoting_what(
    cast: Any, awaiting: Facility, issuer: Issuer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    wanted = [IBAN, "PRGMBEBB", f"IOA {invoice.number}", "BE0999.999.999", "1000 Brussels", DETAILS["name"]]
    page = cast.client_for("representative").get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()
    html = pdf.invoice_html(invoice)
    [message] = [m for m in mail.outbox if "invoice" in m.subject.lower()]
    for text in wanted:
        assert text in page
        assert text in html.replace("&#x27;", "'")
    for text in (IBAN, "PRGMBEBB", f"IOA {invoice.number}"):
        assert text in str(message.body)


def test_a_paid_invoice_asks_for_nothing(cast: Any, awaiting: Facility, issuer: Issuer) -> None:
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    services.payment_record(
        invoice=invoice, amount=invoice.total, paid_on=timezone.localdate(), reference="T1", actor=cast.office
    )
    page = cast.client_for("representative").get(reverse("billing:invoice_detail", args=[invoice.pk])).content.decode()
    assert "How to pay" not in page
    assert "Paid in full" in pdf.invoice_html(Invoice.objects.get(pk=invoice.pk))


# ── the facility's Pay panel ─────────────────────────────────────────────────────────────────


def test_pay_panel_shows_amount_due_date_account_and_reference(cast: Any, awaiting: Facility, issuer: Issuer) -> None:
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    page = cast.client_for("representative").get(reverse("facilities:dashboard", args=[awaiting.pk])).content.decode()
    assert 'id="pay-title"' in page
    assert money(invoice.total, invoice.currency) in page
    assert date_format(invoice.due_on, "DATE_FORMAT") in page
    assert IBAN in page
    assert f"IOA {invoice.number}" in page


def test_pay_panel_is_for_those_who_see_billing_and_only_while_something_is_open(
    cast: Any, awaiting: Facility, issuer: Issuer
) -> None:
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    url = reverse("facilities:dashboard", args=[awaiting.pk])
    assert 'id="pay-title"' not in cast.client_for("contributor").get(url).content.decode()
    services.payment_record(
        invoice=invoice, amount=invoice.total, paid_on=timezone.localdate(), reference="T1", actor=cast.office
    )
    assert 'id="pay-title"' not in cast.client_for("representative").get(url).content.decode()


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pay_panel_query_count_does_not_grow(cast: Any, awaiting: Facility, issuer: Issuer) -> None:
    client = cast.client_for("representative")
    url = reverse("facilities:dashboard", args=[awaiting.pk])
    services.invoice_issue_enrolment(facility=awaiting)
    small = _count(client, url)
    for n in range(1, 6):
        services.invoice_issue_annual(facility=awaiting, period_start=timezone.localdate() + timedelta(days=n))
    assert _count(client, url) == small


# ── the office records a payment from its lists ─────────────────────────────────────────────


def _payment_form_action(invoice: Invoice) -> str:
    return f'action="{reverse("office_billing:payment_record", args=[invoice.pk])}"'


def test_office_invoice_list_has_a_payment_form_on_each_open_row(cast: Any, awaiting: Facility) -> None:
    open_invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    paid = services.invoice_issue_annual(facility=awaiting, period_start=timezone.localdate(), actor=cast.office)
    services.payment_record(
        invoice=paid, amount=paid.total, paid_on=timezone.localdate(), reference="T", actor=cast.office
    )
    page = cast.client_for("office").get(reverse("office_billing:invoices")).content.decode()
    assert _payment_form_action(open_invoice) in page
    assert _payment_form_action(paid) not in page


@pytest.mark.parametrize("page_name", ["office_billing:invoices", "office_facilities:detail"])
def test_office_records_a_payment_from_the_row_and_comes_back(cast: Any, awaiting: Facility, page_name: str) -> None:
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    back = reverse(page_name, args=[awaiting.pk] if page_name == "office_facilities:detail" else [])
    client = cast.client_for("office")
    assert _payment_form_action(invoice) in client.get(back).content.decode()
    response = client.post(
        reverse("office_billing:payment_record", args=[invoice.pk]),
        {
            "amount": str(invoice.total),
            "paid_on": timezone.localdate().isoformat(),
            "reference": "BANK-77",
            "next": back,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == back
    assert Payment.objects.get(invoice=invoice).reference == "BANK-77"
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PAID
    assert _payment_form_action(invoice) not in client.get(back).content.decode()


def test_a_foreign_next_is_ignored(cast: Any, awaiting: Facility) -> None:
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    response = cast.client_for("office").post(
        reverse("office_billing:payment_record", args=[invoice.pk]),
        {
            "amount": "1.00",
            "paid_on": timezone.localdate().isoformat(),
            "reference": "R",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("office_billing:invoice_detail", args=[invoice.pk])


def test_facility_managers_get_no_payment_form(cast: Any, awaiting: Facility) -> None:
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    page = cast.client_for("representative").get(reverse("facilities:dashboard", args=[awaiting.pk])).content.decode()
    assert _payment_form_action(invoice) not in page


def test_office_facility_page_query_count_does_not_grow(cast: Any, awaiting: Facility) -> None:
    client = cast.client_for("office")
    url = reverse("office_facilities:detail", args=[awaiting.pk])
    services.invoice_issue_enrolment(facility=awaiting)
    small = _count(client, url)
    for n in range(1, 6):
        services.invoice_issue_annual(facility=awaiting, period_start=timezone.localdate() + timedelta(days=n))
    assert _count(client, url) == small


def test_overpayment_from_a_row_shows_the_refusal_on_the_invoice(cast: Any, awaiting: Facility) -> None:
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    response = cast.client_for("office").post(
        reverse("office_billing:payment_record", args=[invoice.pk]),
        {
            "amount": str(invoice.total + Decimal("1")),
            "paid_on": timezone.localdate().isoformat(),
            "reference": "R",
            "next": reverse("office_billing:invoices"),
        },
    )
    assert response.status_code == 422
    assert not Payment.objects.exists()
