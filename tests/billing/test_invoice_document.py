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


# ── rendered by the documents task when the invoice is issued ─────────────────────────────────


@pytest.fixture
def issued(awaiting: Any, cast: Any, django_capture_on_commit_callbacks: Any) -> Invoice:
    """An invoice issued with its after-commit work run: the documents task (immediate in tests)."""
    with django_capture_on_commit_callbacks(execute=True):
        return services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)


def _stored(invoice: Invoice) -> StoredDocument:
    return StoredDocument.objects.get(kind=pdf.INVOICE_PDF, object_id=str(invoice.pk))


def test_issuing_stores_the_pdf_and_the_download_serves_those_bytes(
    awaiting: Any, cast: Any, renders: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        invoice = services.invoice_issue_enrolment(facility=awaiting, actor=cast.office)
    assert renders == ["pdf"]  # the task's render
    stored = _stored(invoice)
    content = _download(cast.client_for("representative"), invoice)
    assert renders == ["pdf"]  # served from storage, not rendered again
    assert hashlib.sha256(content).hexdigest() == stored.sha256 and len(content) == stored.size


def test_a_payment_renders_it_again_in_the_background(
    issued: Invoice, cast: Any, renders: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    first = _stored(issued)
    with django_capture_on_commit_callbacks(execute=True):
        services.payment_record(
            invoice=issued, amount=Decimal("10.00"), paid_on=timezone.localdate(), reference="T-2", actor=cast.office
        )
    assert renders == ["pdf"]
    again = _stored(issued)
    assert again.source_sha256 != first.source_sha256
    content = _download(cast.client_for("representative"), issued)
    assert renders == ["pdf"] and hashlib.sha256(content).hexdigest() == again.sha256


def test_the_task_run_twice_renders_once(issued: Invoice, renders: list[str]) -> None:
    from iasios.billing.tasks import invoice_render

    before = _stored(issued)
    invoice_render.call(str(issued.pk))
    assert renders == [] and _stored(issued).storage_key == before.storage_key


def test_a_missing_stored_file_is_rendered_on_demand(issued: Invoice, cast: Any, renders: list[str]) -> None:
    from django.core.files.storage import default_storage

    default_storage.delete(_stored(issued).storage_key)
    content = _download(cast.client_for("representative"), issued)
    assert renders == ["pdf"]
    stored = _stored(issued)
    assert default_storage.exists(stored.storage_key) and hashlib.sha256(content).hexdigest() == stored.sha256


def test_the_pages_say_being_prepared_until_it_is_stored(
    enrolment_invoice: Invoice, cast: Any, renders: list[str]
) -> None:
    pages = [
        (cast.client_for("representative"), reverse("billing:invoice_detail", args=[enrolment_invoice.pk])),
        (cast.client_for("office"), reverse("office_billing:invoice_detail", args=[enrolment_invoice.pk])),
    ]
    for client, url in pages:  # issued without its after-commit work: nothing stored yet
        assert "is being prepared" in client.get(url).content.decode()
    from iasios.billing.tasks import invoice_render

    invoice_render.call(str(enrolment_invoice.pk))
    for client, url in pages:
        assert "is being prepared" not in client.get(url).content.decode()
