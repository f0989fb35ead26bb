"""Invoice and credit note PDFs: HTML templates rendered by WeasyPrint."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from iasios.billing.issuer import current_issuer, issuer_of, payment_instructions
from iasios.billing.models import CreditNote, Invoice
from iasios.core.documents import Document, source_sha256
from iasios.facilities.language import in_facility_language


def issuer() -> dict[str, str]:
    """The programme body as other documents' letterheads print it (letters, reports): the
    current invoicing details (`billing.issuer`)."""
    details = current_issuer()
    return {
        "name": details.name,
        "address": details.address,
        "email": details.email,
        "tax_id": details.vat_number,
        "vat_number": details.vat_number,
    }


def invoice_html(invoice: Invoice) -> str:
    pay = payment_instructions(invoice)
    context: dict[str, Any] = {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "payments": list(invoice.payments.all()),
        "issuer": pay.issuer,
        "pay": pay,
        "credit_note": getattr(invoice, "credit_note", None),
    }
    with in_facility_language(invoice.facility):
        return render_to_string("billing/invoice_pdf.html", context)


def credit_note_html(note: CreditNote) -> str:
    with in_facility_language(note.invoice.facility):
        return render_to_string(
            "billing/credit_note_pdf.html", {"note": note, "invoice": note.invoice, "issuer": issuer_of(note.invoice)}
        )


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is made

    # No base_url: the templates are self-contained, so WeasyPrint never fetches anything.
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def invoice_pdf(invoice: Invoice) -> bytes:
    return html_to_pdf(invoice_html(invoice))


INVOICE_PDF = "invoice-pdf"


def invoice_document(invoice: Invoice) -> Document:
    """The invoice PDF, stored once rendered. It lists the payments and the credit note, so it
    carries the SHA-256 of its HTML and is rendered again when a payment or a credit note changes it."""
    html = invoice_html(invoice)
    return Document(
        kind=INVOICE_PDF,
        object_id=str(invoice.pk),
        filename=f"invoice-{invoice.number}.pdf",
        render=lambda: html_to_pdf(html),
        source=source_sha256(html),
    )


def credit_note_pdf(note: CreditNote) -> bytes:
    return html_to_pdf(credit_note_html(note))
