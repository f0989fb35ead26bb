"""Every write of the applications app: cycles, answers, comments, evidence, submission.

Pages, API endpoints and commands call these and nothing else writes. Each write to a cycle
locks the cycle row and refuses when the cycle is no longer a draft, whoever calls it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from iasios.accounts.roles import FACILITY_EDITOR_ROLES
from iasios.applications.access import can_edit_cycle, can_edit_evidence, can_start_cycle
from iasios.applications.filetypes import RefusedFile
from iasios.applications.lifecycle import CYCLE_LIFECYCLE
from iasios.applications.models import (
    Answer,
    AnswerComment,
    Claim,
    Cycle,
    CycleKind,
    CycleStatus,
    Dossier,
    EvidenceDocument,
    EvidenceLink,
    EvidenceRevision,
)
from iasios.applications.uploads import StoredFile, discard_stored_file, store_evidence_file
from iasios.core.events import record_event
from iasios.core.statemachine import TransitionNotAllowed
from iasios.facilities.access import facility_role
from iasios.facilities.models import Facility, FacilityStatus, Membership
from iasios.standards.models import Requirement
from iasios.standards.selectors import current_framework


class CycleLocked(TransitionNotAllowed):
    """The cycle is no longer a draft: its answers and links are frozen in the dossier."""


class StaleAnswer(Exception):
    """Someone saved the answer after this edit started. Nothing was written; both versions travel."""

    def __init__(self, current: Answer, yours: dict[str, Any]) -> None:
        super().__init__(_("Someone else saved this answer while you were editing it."))
        self.current = current
        self.yours = yours


# ----------------------------------------------------------------------------- cycles


def cycle_start(*, facility: Facility, user: Any, kind: str = CycleKind.INITIAL) -> Cycle:
    """Start a cycle pinned to the current framework, with one empty answer per requirement."""
    if facility.status != FacilityStatus.ENROLLED:
        raise TransitionNotAllowed(_("An application can be started once the facility is an Enrolled Centre."))
    if not can_start_cycle(user, facility):
        raise PermissionDenied(
            _("Only the facility's authorised representative, contact person or contributors can start an application.")
        )
    framework = current_framework()
    if framework is None:
        raise TransitionNotAllowed(_("No standards are in force yet; the programme office has to publish them."))
    with transaction.atomic():
        # Lock the facility so two simultaneous starts cannot both pass the check below.
        Facility.objects.select_for_update().filter(pk=facility.pk).first()
        if Cycle.objects.open().filter(facility=facility).exists():
            raise TransitionNotAllowed(_("This facility already has an open application."))
        try:
            with transaction.atomic():
                cycle = Cycle.objects.create(facility=facility, framework=framework, kind=kind, started_by=user)
        except IntegrityError as exc:
            raise TransitionNotAllowed(_("This facility already has an open application.")) from exc
        requirements = Requirement.objects.filter(framework=framework).order_by("position")
        bulk_create_with_history([Answer(cycle=cycle, requirement=r) for r in requirements], Answer, default_user=user)
        record_event(
            obj=cycle,
            action="cycle_started",
            actor=user,
            to_state=cycle.status,
            data={"framework": f"{framework.code} {framework.version}", "kind": kind},
        )
    return cycle


def _lock_draft_cycle(cycle: Cycle, user: Any) -> Cycle:
    """Lock the cycle row for this write; refuse unless it is a draft the user may edit."""
    locked = Cycle.objects.select_for_update().select_related("facility").get(pk=cycle.pk)
    if locked.status != CycleStatus.DRAFT:
        raise CycleLocked(_("This application has been submitted; it can no longer be changed."))
    if not can_edit_cycle(user, locked):
        raise PermissionDenied(_("You may not change this application."))
    return locked


# ----------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class AnswerInput:
    claim: str
    na_reason: str
    narrative: str
    assignee_id: Any | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "na_reason": self.na_reason,
            "narrative": self.narrative,
            "assignee_id": str(self.assignee_id) if self.assignee_id else None,
        }


def _validate_answer(data: AnswerInput, facility: Facility) -> None:
    errors: dict[str, str] = {}
    if data.claim not in {"", *Claim.values}:
        errors["claim"] = _("Choose one of the offered claims.")
    if data.claim == Claim.NOT_APPLICABLE and not data.na_reason.strip():
        errors["na_reason"] = _("Say why this requirement does not apply to your service.")
    if (
        data.assignee_id
        and not Membership.objects.filter(
            facility=facility, user_id=data.assignee_id, role__in=FACILITY_EDITOR_ROLES
        ).exists()
    ):
        errors["assignee"] = _("Choose a member of the facility's team who can edit the application.")
    if errors:
        raise ValidationError(errors)


def answer_save(*, answer: Answer, user: Any, base_revision: int, data: AnswerInput) -> Answer:
    """Save the facility's claim, narrative and assignee.

    `base_revision` is the revision the edit started from: when the answer has moved on since,
    StaleAnswer is raised with the current answer and the refused input, and nothing changes.
    A save that changes nothing is not a new revision.
    """
    with transaction.atomic():
        cycle = _lock_draft_cycle(answer.cycle, user)
        _validate_answer(data, cycle.facility)
        current = (
            Answer.objects.select_for_update()
            .select_related("assignee", "updated_by", "requirement__standard")
            .get(pk=answer.pk)
        )
        na_reason = data.na_reason if data.claim == Claim.NOT_APPLICABLE else ""
        unchanged = (
            current.claim == data.claim
            and current.na_reason == na_reason
            and current.narrative == data.narrative
            and str(current.assignee_id or "") == str(data.assignee_id or "")
        )
        if unchanged:
            return current
        if current.revision != base_revision:
            raise StaleAnswer(current, data.as_dict())
        current.claim = data.claim
        current.na_reason = na_reason
        current.narrative = data.narrative
        current.assignee_id = data.assignee_id or None
        current.revision = base_revision + 1
        current.updated_by = user
        current._history_user = user  # type: ignore[attr-defined]
        current.save()
    return current


def comment_add(*, answer: Answer, user: Any, body: str) -> AnswerComment:
    body = body.strip()
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    with transaction.atomic():
        _lock_draft_cycle(answer.cycle, user)
        return AnswerComment.objects.create(answer=answer, author=user, body=body)


def evidence_link(*, answer: Answer, document: EvidenceDocument, user: Any) -> EvidenceLink:
    with transaction.atomic():
        cycle = _lock_draft_cycle(answer.cycle, user)
        if document.facility_id != cycle.facility_id:
            raise ValidationError({"document": _("Choose a document from this facility's evidence library.")})
        link, _created = EvidenceLink.objects.get_or_create(
            answer=answer, document=document, defaults={"linked_by": user}
        )
        return link


def evidence_unlink(*, answer: Answer, document: EvidenceDocument, user: Any) -> None:
    with transaction.atomic():
        _lock_draft_cycle(answer.cycle, user)
        EvidenceLink.objects.filter(answer=answer, document=document).delete()


# ----------------------------------------------------------------------------- evidence library


@dataclass(frozen=True)
class DocumentInput:
    title: str
    description: str = ""
    effective_on: datetime.date | None = None
    expires_on: datetime.date | None = None
    available_on_request: bool = False


def _check_evidence_editor(facility: Facility, user: Any) -> None:
    if not can_edit_evidence(user, facility):
        raise PermissionDenied(_("You may not change this facility's evidence library."))


def _validate_document(data: DocumentInput) -> None:
    errors: dict[str, str] = {}
    if not data.title.strip():
        errors["title"] = _("Give the document a title.")
    if data.effective_on and data.expires_on and data.expires_on < data.effective_on:
        errors["expires_on"] = _("The expiry date is before the date the document takes effect.")
    if errors:
        raise ValidationError(errors)


def _add_revision(document: EvidenceDocument, stored: StoredFile, user: Any) -> EvidenceRevision:
    last = document.revisions.aggregate(n=models.Max("number"))["n"] or 0
    revision = EvidenceRevision.objects.create(
        document=document,
        number=last + 1,
        storage_key=stored.storage_key,
        original_name=stored.original_name,
        content_type=stored.kind.content_type,
        kind=stored.kind.kind,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=user,
    )
    record_event(
        obj=document,
        action="evidence_revision_added",
        actor=user,
        data={"revision": revision.number, "sha256": revision.sha256, "size": revision.size},
    )
    return revision


def evidence_document_create(
    *, facility: Facility, user: Any, data: DocumentInput, upload: Any | None = None
) -> EvidenceDocument:
    """A new document, with its first file (revision 1) or declared available on request.

    Raises RefusedFile (nothing stored) when the file is refused.
    """
    _check_evidence_editor(facility, user)
    _validate_document(data)
    if upload is None and not data.available_on_request:
        raise ValidationError({"files": _("Choose a file, or declare the document available on request.")})
    # The file is checked and stored before the transaction, so the database is not held while
    # a large file is hashed and copied; a failed write removes the stored file again.
    stored = store_evidence_file(upload, facility_id=facility.pk) if upload is not None else None
    try:
        with transaction.atomic():
            document = EvidenceDocument(
                facility=facility,
                title=data.title.strip(),
                description=data.description.strip(),
                effective_on=data.effective_on,
                expires_on=data.expires_on,
                available_on_request=data.available_on_request,
                created_by=user,
            )
            document._history_user = user  # type: ignore[attr-defined]
            document.save()
            if stored is not None:
                _add_revision(document, stored, user)
    except Exception:
        if stored is not None:
            discard_stored_file(stored)
        raise
    return document


def evidence_revision_add(*, document: EvidenceDocument, user: Any, upload: Any) -> EvidenceRevision:
    _check_evidence_editor(document.facility, user)
    stored = store_evidence_file(upload, facility_id=document.facility_id)
    try:
        with transaction.atomic():
            locked = EvidenceDocument.objects.select_for_update().get(pk=document.pk)
            return _add_revision(locked, stored, user)
    except Exception:
        discard_stored_file(stored)
        raise


def evidence_document_update(*, document: EvidenceDocument, user: Any, data: DocumentInput) -> EvidenceDocument:
    _check_evidence_editor(document.facility, user)
    _validate_document(data)
    document.title = data.title.strip()
    document.description = data.description.strip()
    document.effective_on = data.effective_on
    document.expires_on = data.expires_on
    document.available_on_request = data.available_on_request
    document._history_user = user  # type: ignore[attr-defined]
    document.save()
    return document


# ----------------------------------------------------------------------------- submission


def signature_check(user: Any, *, password: str = "", code: str = "") -> bool:
    """The signer proves it is them: an authenticator code when they use one, else their password."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        return bool(code.strip()) and TOTP(authenticator).validate_code(code.strip())
    return bool(password) and user.check_password(password)


def cycle_submit(*, cycle: Cycle, user: Any, declaration_accepted: bool, password: str = "", code: str = "") -> Dossier:
    """Sign the declaration and submit: the cycle leaves draft and its dossier is frozen."""
    from iasios.applications.dossier import DECLARATION, dossier_freeze

    if facility_role(user, cycle.facility) is None:
        raise PermissionDenied(_("You may not submit this application."))
    errors: dict[str, str] = {}
    if not declaration_accepted:
        errors["declaration"] = _("Tick the declaration to sign it.")
    if not signature_check(user, password=password, code=code):
        errors["code" if getattr(user, "has_mfa", False) else "password"] = (
            _("The code from your authenticator app is not right.")
            if getattr(user, "has_mfa", False)
            else _("The password is not right.")
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        now = timezone.now()
        locked = CYCLE_LIFECYCLE.apply(cycle, "submit", actor=user, changes={"submitted_at": now, "submitted_by": user})
        dossier = dossier_freeze(locked, signed_by=user, declaration=str(DECLARATION))
        record_event(obj=locked, action="dossier_frozen", actor=user, data={"sha256": dossier.sha256})
    cycle.refresh_from_db()
    return dossier


__all__ = [
    "AnswerInput",
    "CycleLocked",
    "DocumentInput",
    "RefusedFile",
    "StaleAnswer",
    "answer_save",
    "comment_add",
    "cycle_start",
    "cycle_submit",
    "evidence_document_create",
    "evidence_document_update",
    "evidence_link",
    "evidence_revision_add",
    "evidence_unlink",
    "signature_check",
]
