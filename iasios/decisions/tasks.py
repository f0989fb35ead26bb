"""Background work of the decisions app: rendering a decision's letter when it is taken, and an
appeal's letter when the appeal is decided."""

from __future__ import annotations

from django_tasks import task

from iasios.core.documents import document_prepare
from iasios.decisions.letters import appeal_letter_document, decision_letter_document
from iasios.decisions.models import Appeal, Decision


@task(queue_name="documents")
def decision_letter_render(decision_id: str) -> None:
    decision = Decision.objects.select_related("cycle__facility").get(pk=decision_id)
    document_prepare(decision_letter_document(decision))


@task(queue_name="documents")
def appeal_letter_render(appeal_id: str) -> None:
    appeal = Appeal.objects.select_related("decision__cycle__facility").get(pk=appeal_id)
    document_prepare(appeal_letter_document(appeal))
