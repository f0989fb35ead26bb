"""The invoice PDF is stored once rendered and served from storage; a payment changes what it
states (the payments, the amount due), so it is rendered again then, and only then."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from iasios.billing import pdf, services
from iasios.billing.models import Invoice
from iasios.core.models import StoredDocument

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = pdf.html_to_pdf

    def counting(html: str) -> bytes:
        calls.append("pdf")
        return real(html)

    monkeypatch.setattr(pdf, "html_to_pdf", counting)
    return calls


def _download(client: Any, invoice: Invoice) -> bytes:
    response = client.get(reverse("billing:invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_rendered_once_then_again_after_a_payment(cast: Any, enrolment_invoice: Invoice, renders: list[str]) -> None:
    client = cast.client_for("representative")
    first = _download(client, enrolment_invoice)
    assert _download(client, enrolment_invoice) == first and renders == ["pdf"]
    stored = StoredDocument.objects.get(kind=pdf.INVOICE_PDF, object_id=str(enrolment_invoice.pk))
    assert hashlib.sha256(first).hexdigest() == stored.sha256
    services.payment_record(
        invoice=enrolment_invoice,
        amount=Decimal("10.00"),
        paid_on=timezone.localdate(),
        reference="T-1",
        actor=cast.office,
    )
    after = _download(client, enrolment_invoice)
    assert renders == ["pdf", "pdf"] and after != first


def test_outsiders_get_no_invoice(cast: Any, enrolment_invoice: Invoice, renders: list[str]) -> None:
    response = cast.client_for("outsider").get(reverse("billing:invoice_pdf", args=[enrolment_invoice.pk]))
    assert response.status_code in (403, 404) and renders == []
    assert not StoredDocument.objects.exists()
