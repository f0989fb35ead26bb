"""What the application endpoints answer: the schemas and the functions that fill them.

Shared by iasios/api/routers/applications.py (answers, evidence) and applications_cycle.py
(start, submission, dossiers, hand-overs, re-certification).
"""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from django.db.models import Prefetch
from django.urls import reverse
from ninja import Field, Schema

from iasios.applications import selectors
from iasios.applications.models import Answer, Cycle, EvidenceDocument, EvidenceLink

# ----------------------------------------------------------------------------- schemas


class ProgressOut(Schema):
    done: int
    total: int


class CycleOut(Schema):
    id: UUID
    facility_id: UUID
    kind: str
    aim: str
    status: str
    framework: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    previous_cycle_id: UUID | None
    core: ProgressOut
    extended: ProgressOut
    carried_over_pending: int


class EvidenceRefOut(Schema):
    document_id: UUID
    title: str
    available_on_request: bool
    latest_revision_id: UUID | None
    latest_sha256: str | None


class AnswerOut(Schema):
    id: UUID
    requirement: str
    standard: int
    core: bool
    claim: str
    na_reason: str
    narrative: str
    assignee_id: UUID | None
    revision: int
    carried_over: bool
    updated_at: datetime.datetime
    evidence: list[EvidenceRefOut]


_REVISION = "The revision the edit started from (409 when someone saved since)."
_CLAIM = "met, partly_met, not_met or not_applicable; empty for unanswered."
_NA_REASON = "Why the requirement does not apply; kept only with not_applicable."
_ASSIGNEE = "A member of the facility who is to answer; null for nobody."


def _no_default(schema: dict[str, Any]) -> None:
    """A PATCH field left out is unchanged: the document shows no default for it."""
    schema.pop("default", None)


class AnswerPutIn(Schema):
    """The whole answer: every field is required, so nothing is emptied by leaving it out."""

    revision: int = Field(description=_REVISION)
    claim: str = Field(description=_CLAIM)
    na_reason: str = Field(description=_NA_REASON)
    narrative: str = Field(description="The facility's narrative.")
    assignee_id: UUID | None = Field(description=_ASSIGNEE)


class AnswerPatchIn(Schema):
    """Part of an answer: only the fields sent change (the router reads which were sent; the
    defaults below are never written)."""

    revision: int = Field(description=_REVISION)
    claim: str = Field("", description=_CLAIM + " Unchanged when left out.", json_schema_extra=_no_default)
    na_reason: str = Field("", description=_NA_REASON + " Unchanged when left out.", json_schema_extra=_no_default)
    narrative: str = Field("", description="Unchanged when left out.", json_schema_extra=_no_default)
    assignee_id: UUID | None = Field(
        None, description=_ASSIGNEE + " Unchanged when left out.", json_schema_extra=_no_default
    )


class StaleOut(Schema):
    error: dict[str, Any]
    current: AnswerOut
    yours: dict[str, Any]


class RevisionOut(Schema):
    id: UUID
    number: int
    file_name: str
    kind: str
    content_type: str
    size: int
    sha256: str
    received_at: datetime.datetime
    download_url: str


class DocumentOut(Schema):
    id: UUID
    title: str
    description: str
    effective_on: datetime.date | None
    expires_on: datetime.date | None
    available_on_request: bool
    revisions: list[RevisionOut]


class LinkIn(Schema):
    document_id: UUID


# ----------------------------------------------------------------------------- helpers


def cycle_out(cycle: Cycle) -> dict[str, Any]:
    overview = selectors.cycle_overview(cycle)
    return {
        "id": cycle.pk,
        "facility_id": cycle.facility_id,
        "kind": cycle.kind,
        "aim": cycle.aim,
        "status": cycle.status,
        "framework": f"{cycle.framework.code} {cycle.framework.version}",
        "created_at": cycle.created_at,
        "submitted_at": cycle.submitted_at,
        "decided_at": cycle.decided_at,
        "previous_cycle_id": cycle.previous_id,
        "core": {"done": overview.core.done, "total": overview.core.total},
        "extended": {"done": overview.extended.done, "total": overview.extended.total},
        "carried_over_pending": cycle.answers.filter(carried_over=True).count() if cycle.is_recertification else 0,
    }


def answer_out(answer: Answer) -> dict[str, Any]:
    evidence = []
    for link in answer.links.all():
        latest = link.document.latest_revision()
        evidence.append(
            {
                "document_id": link.document_id,
                "title": link.document.title,
                "available_on_request": link.document.available_on_request,
                "latest_revision_id": latest.pk if latest else None,
                "latest_sha256": latest.sha256 if latest else None,
            }
        )
    return {
        "id": answer.pk,
        "requirement": answer.requirement.reference,
        "standard": answer.requirement.standard.number,
        "core": answer.requirement.core,
        "claim": answer.claim,
        "na_reason": answer.na_reason,
        "narrative": answer.narrative,
        "assignee_id": answer.assignee_id,
        "revision": answer.revision,
        "carried_over": answer.carried_over,
        "updated_at": answer.updated_at,
        "evidence": evidence,
    }


def answers_of(cycle: Cycle) -> Any:
    return (
        Answer.objects.filter(cycle=cycle)
        .select_related("requirement__standard")
        .prefetch_related(
            Prefetch("links", queryset=EvidenceLink.objects.select_related("document")),
            Prefetch("links__document__revisions", queryset=selectors.revisions_newest_first()),
        )
        .order_by("requirement__position")
    )


def revision_out(revision: Any) -> dict[str, Any]:
    return {
        "id": revision.pk,
        "number": revision.number,
        "file_name": revision.original_name,
        "kind": revision.kind,
        "content_type": revision.content_type,
        "size": revision.size,
        "sha256": revision.sha256,
        "received_at": revision.received_at,
        "download_url": reverse("applications:revision_download", args=[revision.pk]),
    }


def document_out(document: EvidenceDocument | selectors.LibraryDocument) -> dict[str, Any]:
    """A document with its revisions, newest first: a stored one, or a row of the library (read as plain values)."""
    revisions = document.revisions if isinstance(document, selectors.LibraryDocument) else document.revisions.all()
    return {
        "id": document.pk,
        "title": document.title,
        "description": document.description,
        "effective_on": document.effective_on,
        "expires_on": document.expires_on,
        "available_on_request": document.available_on_request,
        "revisions": [revision_out(r) for r in revisions],
    }
