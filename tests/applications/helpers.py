"""Filling a cycle so it can be submitted, and moving it along its lifecycle."""

from __future__ import annotations

from typing import Any

from iasios.applications import services
from iasios.applications.models import Answer, Claim, Cycle, Dossier, EvidenceDocument
from iasios.assessment import selectors as assessment_selectors
from iasios.cycles import services as cycle_services
from tests import factories
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


def submit(cycle: Cycle, user: Any) -> Dossier:
    """The representative signs with their password."""
    return cycle_services.cycle_submit(cycle=cycle, user=user, declaration_accepted=True, password=factories.PASSWORD)


def submitted_cycle(cycle: Cycle, cast: Any) -> Dossier:
    """Fill the core requirements and submit: dossier revision 1."""
    fill_core(cycle, cast.contributor)
    return submit(cycle, cast.representative)


def decided_cycle(cycle: Cycle, cast: Any, monkeypatch: Any) -> Cycle:
    """Submitted, assessed (with a ready recommendation standing in for the assessment app), decided."""
    submitted_cycle(cycle, cast)
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: True)
    cycle_services.cycle_start_assessment(cycle=cycle, actor=cast.office)
    cycle_services.cycle_send_to_committee(cycle=cycle, actor=cast.office)
    cycle_services.cycle_mark_decided(cycle=cycle, actor=None)
    cycle.refresh_from_db()
    return cycle


def answer_for(cycle: Cycle, reference: str) -> Answer:
    for answer in Answer.objects.filter(cycle=cycle).select_related("requirement__standard", "cycle__facility"):
        if answer.requirement.reference == reference:
            return answer
    raise LookupError(reference)


def save(answer: Answer, user: Any, **fields: Any) -> Answer:
    answer.refresh_from_db()
    data = {"claim": answer.claim, "na_reason": answer.na_reason, "narrative": answer.narrative} | fields
    return services.answer_save(
        answer=answer,
        user=user,
        base_revision=answer.revision,
        data=services.AnswerInput(
            claim=data["claim"], na_reason=data["na_reason"], narrative=data["narrative"], assignee_id=None
        ),
    )
