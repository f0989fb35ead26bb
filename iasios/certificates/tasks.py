"""Background work of the certificates app: rendering a certificate once, when it is issued."""

from __future__ import annotations

from django_tasks import task

from iasios.certificates.documents import certificate_document
from iasios.certificates.models import Certificate
from iasios.core.documents import document_prepare


@task(queue_name="documents")
def certificate_render(certificate_id: str) -> None:
    document_prepare(certificate_document(Certificate.objects.get(pk=certificate_id)))
