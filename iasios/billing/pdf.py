"""Invoice and credit note PDFs: HTML templates rendered by WeasyPrint."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from iasios.billing.models import CreditNote, Invoice


def issuer() -> dict[str, str]:
    """The body that issues invoices; configured in settings (BILLING_ISSUER_*)."""
    return {
        "name": getattr(settings, "BILLING_ISSUER_NAME", "") or _("IO Accreditation programme office"),
        "address": getattr(settings, "BILLING_ISSUER_ADDRESS", ""),
        "email": getattr(settings, "BILLING_ISSUER_EMAIL", "") or settings.DEFAULT_FROM_EMAIL,
        "tax_id": getattr(settings, "BILLING_ISSUER_TAX_ID", ""),
        "bank": getattr(settings, "BILLING_ISSUER_BANK_DETAILS", ""),
    }


def invoice_html(invoice: Invoice) -> str:
    context: dict[str, Any] = {
        "invoice": invoice,
        "lines": list(invoice.lines.all()),
        "payments": list(invoice.payments.all()),
        "issuer": issuer(),
        "credit_note": getattr(invoice, "credit_note", None),
    }
    return render_to_string("billing/invoice_pdf.html", context)


def credit_note_html(note: CreditNote) -> str:
    return render_to_string("billing/credit_note_pdf.html", {"note": note, "invoice": note.invoice, "issuer": issuer()})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is made

    # No base_url: the templates are self-contained, so WeasyPrint never fetches anything.
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def invoice_pdf(invoice: Invoice) -> bytes:
    return html_to_pdf(invoice_html(invoice))


def credit_note_pdf(note: CreditNote) -> bytes:
    return html_to_pdf(credit_note_html(note))
