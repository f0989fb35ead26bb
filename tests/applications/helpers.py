"""Filling a cycle so it can be submitted."""

from __future__ import annotations

from typing import Any

from iasios.applications import services
from iasios.applications.models import Answer, Claim, Cycle, EvidenceDocument
from tests.applications import conftest as files


def fill_core(cycle: Cycle, user: Any, *, skip: int = 0) -> list[EvidenceDocument]:
    """Answer every core requirement (but the first `skip`) as met, with evidence linked."""
    policy = services.evidence_document_create(
        facility=cycle.facility,
        user=user,
        data=services.DocumentInput(title="Service policy"),
        upload=files.upload("policy.pdf", files.pdf_bytes()),
    )
    rota = services.evidence_document_create(
        facility=cycle.facility,
        user=user,
        data=services.DocumentInput(title="Rota"),
        upload=files.upload("rota.csv", files.csv_bytes()),
    )
    on_request = services.evidence_document_create(
        facility=cycle.facility,
        user=user,
        data=services.DocumentInput(title="Credentials", available_on_request=True),
    )
    answers = list(
        Answer.objects.filter(cycle=cycle, requirement__core=True)
        .select_related("cycle__facility", "requirement")
        .order_by("requirement__position")
    )
    for i, answer in enumerate(answers[skip:]):
        services.answer_save(
            answer=answer,
            user=user,
            base_revision=answer.revision,
            data=services.AnswerInput(claim=Claim.MET, na_reason="", narrative=f"Narrative {i}", assignee_id=None),
        )
        services.evidence_link(answer=answer, document=(policy, rota, on_request)[i % 3], user=user)
    return [policy, rota, on_request]
