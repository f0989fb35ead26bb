"""Background work of the decisions app: rendering a decision's letter when it is taken."""

from __future__ import annotations

from django_tasks import task

from iasios.core.documents import document_prepare
from iasios.decisions.letters import decision_letter_document
from iasios.decisions.models import Decision


@task(queue_name="documents")
def decision_letter_render(decision_id: str) -> None:
    decision = Decision.objects.select_related("cycle__facility").get(pk=decision_id)
    document_prepare(decision_letter_document(decision))
