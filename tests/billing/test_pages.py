"""Billing pages, downloads and API: access per role, forms, PDFs, query counts."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iasios.api.services import token_create
from iasios.billing import pdf, services
from iasios.billing.models import Consultation, CreditNote, Invoice, Payment
from iasios.core.formats.money import money
from iasios.facilities.models import Facility
from tests import factories
from tests.billing.conftest import set_facility_state

pytestmark = pytest.mark.django_db

ROLES = ["representative", "contact", "contributor", "read_only", "outsider", "office", "assessor", "anonymous"]
# Who sees the facility's money: its representative and contact person, and the office.
FACILITY_SIDE = {
    "representative": 200,
    "contact": 200,
    "contributor": 403,
    "read_only": 403,
    "outsider": 403,
    "office": 200,
    "assessor": 403,
    "anonymous": 302,
}
OFFICE_SIDE = dict.fromkeys(ROLES, 403) | {"office": 200, "anonymous": 302}
API_READ = FACILITY_SIDE | {"anonymous": 401}


@pytest.fixture
def billed(cast: Any, awaiting: Facility, enrolment_invoice: Invoice) -> dict[str, Any]:
    """An enrolment invoice, a credited invoice and a consultation for the cast's facility."""
    credited = services.invoice_issue_annual(facility=awaiting, period_start=timezone.localdate(), actor=cast.office)
    note = services.credit_note_issue(invoice=credited, reason="Issued by mistake", actor=cast.office)
    consultation = services.consultation_request(facility=awaiting, actor=cast.representative, topic="Case review")
    return {"invoice": enrolment_invoice, "note": note, "consultation": consultation, "facility": awaiting}


def _client(cast: Any, who: str) -> Client:
    return cast.client_for(who)


def _pages(billed: dict[str, Any]) -> dict[str, tuple[str, dict[str, int]]]:
    f, i, n, c = billed["facility"], billed["invoice"], billed["note"], billed["consultation"]
    return {
        "facility invoices": (reverse("billing:facility_invoices", args=[f.pk]), FACILITY_SIDE),
        "facility consultations": (reverse("billing:consultations", args=[f.pk]), FACILITY_SIDE),
        "invoice detail": (reverse("billing:invoice_detail", args=[i.pk]), FACILITY_SIDE),
        "invoice pdf": (reverse("billing:invoice_pdf", args=[i.pk]), FACILITY_SIDE),
        "credit note pdf": (reverse("billing:credit_note_pdf", args=[n.pk]), FACILITY_SIDE),
        "office invoices": (reverse("office_billing:invoices"), OFFICE_SIDE),
        "office invoice": (reverse("office_billing:invoice_detail", args=[i.pk]), OFFICE_SIDE),
        "office payments": (reverse("office_billing:payments"), OFFICE_SIDE),
        "office overdue": (reverse("office_billing:overdue"), OFFICE_SIDE),
        "office consultations": (reverse("office_billing:consultations"), OFFICE_SIDE),
        "office consultation": (reverse("office_billing:consultation_detail", args=[c.pk]), OFFICE_SIDE),
    }


@pytest.mark.parametrize("who", ROLES)
def test_every_page_and_download_answers_each_role(cast: Any, billed: dict[str, Any], who: str) -> None:
    client = _client(cast, who)
    answers = {name: client.get(url).status_code for name, (url, _expected) in _pages(billed).items()}
    expected = {name: table[who] for name, (_url, table) in _pages(billed).items()}
    assert answers == expected


@pytest.mark.parametrize("who", ROLES)
def test_office_posts_answer_each_role(cast: Any, billed: dict[str, Any], who: str) -> None:
    invoice, consultation = billed["invoice"], billed["consultation"]
    client = _client(cast, who)
    posts = {
        "payment": (reverse("office_billing:payment_record", args=[invoice.pk]), {"amount": "1"}),
        "credit": (reverse("office_billing:credit_note_issue", args=[invoice.pk]), {"reason": ""}),
        "schedule": (reverse("office_billing:consultation_schedule", args=[consultation.pk]), {}),
        "invoice": (reverse("office_billing:consultation_invoice", args=[consultation.pk]), {}),
        "cancel": (reverse("office_billing:consultation_cancel", args=[consultation.pk]), {}),
    }
    answers = {name: client.post(url, data).status_code for name, (url, data) in posts.items()}
    # The office gets its forms back with errors (422), or a redirect with a message (invoice).
    expected_office = {"payment": 422, "credit": 422, "schedule": 422, "invoice": 302, "cancel": 422}
    expected = expected_office if who == "office" else dict.fromkeys(posts, OFFICE_SIDE[who])
    assert answers == expected
    assert not Payment.objects.exists()
    assert Consultation.objects.get(pk=consultation.pk).status == "requested"


def test_pdf_download_is_an_attachment_with_nosniff(cast: Any, billed: dict[str, Any]) -> None:
    response = _client(cast, "representative").get(reverse("billing:invoice_pdf", args=[billed["invoice"].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="invoice-{billed["invoice"].number}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_invoice_pdf_carries_number_payer_lines_total_due_and_status(billed: dict[str, Any], cast: Any) -> None:
    invoice = Invoice.objects.with_paid().get(pk=billed["invoice"].pk)
    html = pdf.invoice_html(invoice)
    for text in [
        invoice.number,
        "Hôpital Central IO",
        "Enrolment fee",
        "1,725.40",
        money(Decimal("2605.55"), "CHF"),
        "Issued",
    ]:
        assert text in html
    assert invoice.due_on.strftime("%B") in html
    assert pdf.html_to_pdf(html).startswith(b"%PDF")


def test_sponsor_invoice_pdf_names_the_sponsor_as_payer(awaiting: Facility, cast: Any) -> None:
    invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office, sponsor="Grant Fund")
    html = pdf.invoice_html(invoice)
    assert "Grant Fund" in html and "Sponsoring: Hôpital Central IO" in html


def test_credit_note_pdf(billed: dict[str, Any]) -> None:
    note = CreditNote.objects.select_related("invoice__facility").get(pk=billed["note"].pk)
    html = pdf.credit_note_html(note)
    assert note.number in html and note.invoice.number in html and "Issued by mistake" in html
    assert pdf.credit_note_pdf(note).startswith(b"%PDF")


def test_office_records_a_payment_through_the_page(cast: Any, billed: dict[str, Any]) -> None:
    invoice = billed["invoice"]
    client = _client(cast, "office")
    url = reverse("office_billing:payment_record", args=[invoice.pk])
    today = timezone.localdate().isoformat()
    too_much = client.post(url, {"amount": "9999", "paid_on": today, "reference": "T-1"})
    assert too_much.status_code == 422
    assert "more than the balance" in too_much.content.decode()
    assert 'value="T-1"' in too_much.content.decode()  # what was typed is kept
    ok = client.post(url, {"amount": "2605.55", "paid_on": today, "reference": "T-1"})
    assert ok.status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).status == "paid"
    assert Facility.objects.get(pk=cast.facility.pk).status == "enrolled"


def test_office_issues_a_credit_note_through_the_page(cast: Any, billed: dict[str, Any]) -> None:
    invoice = billed["invoice"]
    response = _client(cast, "office").post(
        reverse("office_billing:credit_note_issue", args=[invoice.pk]), {"reason": "Duplicate"}
    )
    assert response.status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).status == "cancelled"


def test_office_schedules_and_invoices_a_consultation(cast: Any, billed: dict[str, Any]) -> None:
    consultation = billed["consultation"]
    client = _client(cast, "office")
    response = client.post(
        reverse("office_billing:consultation_schedule", args=[consultation.pk]), {"scheduled_for": "2026-06-02T10:00"}
    )
    assert response.status_code == 302
    response = client.post(reverse("office_billing:consultation_invoice", args=[consultation.pk]))
    consultation.refresh_from_db()
    assert consultation.status == "invoiced"
    assert response["Location"] == reverse("office_billing:invoice_detail", args=[consultation.invoice_id])


@pytest.mark.parametrize(
    ("who", "status"), [("representative", 302), ("contact", 302), ("contributor", 403), ("office", 403)]
)
def test_consultation_request_form(cast: Any, programme: Any, who: str, status: int) -> None:
    url = reverse("billing:consultations", args=[cast.facility.pk])
    response = _client(cast, who).post(url, {"topic": "Preparing the ICR", "preferred_dates": "May"})
    assert response.status_code == status
    assert Consultation.objects.filter(topic="Preparing the ICR").count() == (1 if status == 302 else 0)


def test_consultation_request_without_topic_keeps_the_input(cast: Any, programme: Any) -> None:
    url = reverse("billing:consultations", args=[cast.facility.pk])
    response = _client(cast, "representative").post(url, {"topic": "", "preferred_dates": "Any Tuesday"})
    assert response.status_code == 200
    assert "Any Tuesday" in response.content.decode()
    assert not Consultation.objects.exists()


def test_office_invoice_filters(cast: Any, billed: dict[str, Any]) -> None:
    client = _client(cast, "office")
    url = reverse("office_billing:invoices")
    number = billed["invoice"].number
    credited = billed["note"].invoice.number
    cancelled = client.get(url, {"status": "cancelled"}).content.decode()
    assert credited in cancelled and number not in cancelled
    issued = client.get(url, {"status": "issued", "kind": "enrolment", "q": "Central"}).content.decode()
    assert number in issued and credited not in issued
    assert number not in client.get(url, {"q": "nobody"}).content.decode()
    assert number not in client.get(url, {"overdue": "on"}).content.decode()


def test_overdue_list_shows_days_and_balance(cast: Any, awaiting: Facility) -> None:
    old = services.invoice_issue_annual(
        facility=awaiting, period_start=timezone.localdate(), issued_on=timezone.localdate() - timedelta(days=31)
    )
    page = _client(cast, "office").get(reverse("office_billing:overdue")).content.decode()
    assert old.number in page
    assert f'<td class="num">{(timezone.localdate() - old.due_on).days}</td>' in page


# ── API ──────────────────────────────────────────────────────────────────────────────────────


def _api(cast: Any, who: str) -> dict[str, str]:
    if who == "anonymous":
        return {}
    _token, raw = token_create(user=getattr(cast, who), name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("who", ROLES)
def test_api_reads_answer_each_role(cast: Any, billed: dict[str, Any], who: str) -> None:
    client, headers = Client(), _api(cast, who)
    listing = client.get(f"/api/v1/billing/facilities/{billed['facility'].pk}/invoices", **headers)
    detail = client.get(f"/api/v1/billing/invoices/{billed['invoice'].pk}", **headers)
    assert (listing.status_code, detail.status_code) == (API_READ[who], API_READ[who])
    if API_READ[who] == 200:
        assert {i["number"] for i in listing.json()} == {billed["invoice"].number, billed["note"].invoice.number}
        body = detail.json()
        assert (body["total"], body["currency"], len(body["lines"])) == ("2605.55", "CHF", 2)


@pytest.mark.parametrize("who", ROLES)
def test_api_office_actions_answer_each_role(cast: Any, billed: dict[str, Any], who: str) -> None:
    client, headers = Client(), _api(cast, who)
    invoice = billed["invoice"]
    pay = client.post(
        f"/api/v1/billing/invoices/{invoice.pk}/payments",
        {"amount": "100.00", "paid_on": timezone.localdate().isoformat(), "reference": "API-1"},
        content_type="application/json",
        **headers,
    )
    expected = {"office": 201, "anonymous": 401}.get(who, 403)
    assert pay.status_code == expected
    assert Payment.objects.count() == (1 if who == "office" else 0)
    if who == "office":
        assert (pay.json()["paid"], pay.json()["display_status"]) == ("100.00", "Partially paid")
        credit = client.post(
            f"/api/v1/billing/invoices/{invoice.pk}/credit-note",
            {"reason": "x"},
            content_type="application/json",
            **headers,
        )
        assert credit.status_code == 422
        assert "refund" in credit.json()["error"]["fields"][0]["reason"]


def test_api_overpayment_is_a_field_error(cast: Any, billed: dict[str, Any]) -> None:
    response = Client().post(
        f"/api/v1/billing/invoices/{billed['invoice'].pk}/payments",
        {"amount": "99999.00", "paid_on": timezone.localdate().isoformat(), "reference": "X"},
        content_type="application/json",
        **_api(cast, "office"),
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "amount"


def test_api_credit_note_by_office(cast: Any, billed: dict[str, Any]) -> None:
    response = Client().post(
        f"/api/v1/billing/invoices/{billed['invoice'].pk}/credit-note",
        {"reason": "Wrong payer"},
        content_type="application/json",
        **_api(cast, "office"),
    )
    assert response.status_code == 201
    assert response.json()["number"].startswith("CN-")
    assert Invoice.objects.get(pk=billed["invoice"].pk).status == "cancelled"


def test_api_unknown_invoice_is_404(cast: Any, programme: Any) -> None:
    response = Client().get("/api/v1/billing/invoices/00000000-0000-0000-0000-000000000000", **_api(cast, "office"))
    assert response.status_code == 404


# ── query counts ─────────────────────────────────────────────────────────────────────────────


def _seed(n: int, office: Any) -> None:
    for _i in range(n):
        facility = set_facility_state(factories.make_facility(), "awaiting_payment")
        factories.make_member(facility, "contact_person")
        invoice = services.invoice_issue_enrolment(facility=facility, actor=office)
        services.payment_record(
            invoice=invoice, amount=Decimal("10"), paid_on=timezone.localdate(), reference="Q", actor=office
        )
        services.consultation_request(facility=facility, actor=office, topic="Q")
        services.invoice_issue_annual(
            facility=facility,
            period_start=timezone.localdate(),
            issued_on=timezone.localdate() - timedelta(days=40),
        )


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name",
    ["office_billing:invoices", "office_billing:payments", "office_billing:overdue", "office_billing:consultations"],
)
def test_office_lists_query_count_does_not_grow(cast: Any, programme: Any, name: str) -> None:
    client = _client(cast, "office")
    url = reverse(name)
    _seed(2, cast.office)
    small = _count(client, url)
    _seed(8, cast.office)
    assert _count(client, url) == small


def test_facility_invoice_list_query_count_does_not_grow(cast: Any, awaiting: Facility) -> None:
    client = _client(cast, "representative")
    url = reverse("billing:facility_invoices", args=[awaiting.pk])
    services.invoice_issue_enrolment(facility=awaiting)
    small = _count(client, url)
    for n in range(1, 8):
        services.invoice_issue_annual(facility=awaiting, period_start=timezone.localdate() + timedelta(days=n))
    assert _count(client, url) == small


def test_invoices_for_facility_is_one_query(cast: Any, awaiting: Facility) -> None:
    from iasios.billing.selectors import invoices_for_facility

    for n in range(3):
        services.invoice_issue_annual(facility=awaiting, period_start=timezone.localdate() + timedelta(days=n))
    with CaptureQueriesContext(connection) as ctx:
        rows = [(i.number, i.total, i.paid, i.balance, i.display_status) for i in invoices_for_facility(awaiting)]
    assert len(rows) == 3
    assert len(ctx.captured_queries) == 1
