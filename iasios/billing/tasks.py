"""Background work of the billing app: rendering an invoice's PDF when it is issued, and again
when a payment or a credit note changes what it states."""

from __future__ import annotations

from django_tasks import task

from iasios.billing.models import Invoice
from iasios.billing.pdf import invoice_document
from iasios.core.documents import document_prepare


@task(queue_name="documents")
def invoice_render(invoice_id: str) -> None:
    # The document's language and wording are those of billing.pdf.invoice_document, the same
    # call the download makes: a stored copy rendered here is the one the download would render.
    invoice = Invoice.objects.select_related("facility").filter(pk=invoice_id).first()
    if invoice is None:  # gone before the worker came to it (a rolled-back or deleted invoice)
        return
    document_prepare(invoice_document(invoice))
