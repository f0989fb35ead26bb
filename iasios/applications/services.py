"""Every write of the applications app: answers, comments, evidence, and the cycle's creation.

Pages, API endpoints and commands call these and nothing else writes. Each write to a cycle
locks the cycle row and refuses unless the cycle is with the facility (draft, returned, or, for
the reopened answers only, amending), whoever calls it. The cycle's state changes, and the
starts that need facts of other apps (a current award, the re-certification window), are the
services of `iasios.cycles.services` (docs/cycle-lifecycle.md); they use the primitives here.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from iasios.accounts.roles import FACILITY_EDITOR_ROLES
from iasios.applications.access import answer_is_reopened, can_edit_cycle, can_edit_evidence, can_start_cycle
from iasios.applications.filetypes import RefusedFile
from iasios.applications.models import (
    EDITABLE_CYCLE_STATES,
    Answer,
    AnswerComment,
    Claim,
    Cycle,
    CycleKind,
    CycleStatus,
    EvidenceDocument,
    EvidenceLink,
    EvidenceRevision,
)
from iasios.applications.uploads import StoredFile, discard_stored_file, store_evidence_file
from iasios.core.events import record_event
from iasios.core.refusals import Invalid, NotPermitted
from iasios.core.statemachine import TransitionNotAllowed
from iasios.facilities.models import Facility, FacilityStatus, Membership
from iasios.standards.models import Requirement
from iasios.standards.selectors import current_framework


class CycleLocked(TransitionNotAllowed):
    """The cycle (or this answer of it) is not with the facility: its answers and links cannot change."""


class StaleAnswer(Exception):
    """Someone saved the answer after this edit started. Nothing was written; both versions travel."""

    def __init__(self, current: Answer, yours: dict[str, Any]) -> None:
        super().__init__(_("Someone else saved this answer while you were editing it."))
        self.current = current
        self.yours = yours


# ----------------------------------------------------------------------------- cycles


def check_can_start(facility: Facility, user: Any) -> None:
    """Refuse unless the facility is an Enrolled Centre and the user one of its editors."""
    if facility.status != FacilityStatus.ENROLLED:
        raise TransitionNotAllowed(_("An application can be started once the facility is an Enrolled Centre."))
    if not can_start_cycle(user, facility):
        raise NotPermitted(
            _("Only the facility's authorised representative, contact person or contributors can start an application.")
        )


def cycle_row_create(*, facility: Facility, framework: Any, user: Any, **fields: Any) -> Cycle:
    """Create the cycle row, with the facility locked so that two starts cannot both pass the check.

    Called inside the caller's transaction; the caller creates the answers and the event."""
    Facility.objects.select_for_update().filter(pk=facility.pk).first()
    if Cycle.objects.open().filter(facility=facility).exists():
        raise TransitionNotAllowed(_("This facility already has an open application."))
    try:
        with transaction.atomic():
            return Cycle.objects.create(facility=facility, framework=framework, started_by=user, **fields)
    except IntegrityError as exc:
        raise TransitionNotAllowed(_("This facility already has an open application.")) from exc


def framework_or_refuse() -> Any:
    framework = current_framework()
    if framework is None:
        raise TransitionNotAllowed(_("No standards are in force yet; the programme office has to publish them."))
    return framework


def cycle_create(*, facility: Facility, user: Any, kind: str = CycleKind.INITIAL) -> Cycle:
    """A cycle pinned to the current framework, with one empty answer per requirement.

    The start itself (`iasios.cycles.services.cycle_start`) first checks what other apps know
    (no initial application while the facility holds a current award)."""
    check_can_start(facility, user)
    framework = framework_or_refuse()
    with transaction.atomic():
        cycle = cycle_row_create(facility=facility, framework=framework, user=user, kind=kind)
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


def _lock_editable_cycle(cycle: Cycle, user: Any) -> Cycle:
    """Lock the cycle row for this write; refuse unless it is with the facility and the user may edit."""
    locked = Cycle.objects.select_for_update().select_related("facility").get(pk=cycle.pk)
    if locked.status not in EDITABLE_CYCLE_STATES:
        raise CycleLocked(
            _("This application is %(state)s; it cannot be changed now.")
            % {"state": locked.get_status_display().lower()}
        )
    if not can_edit_cycle(user, locked):
        raise NotPermitted(_("You may not change this application."))
    return locked


def _check_answer_open(cycle: Cycle, answer: Answer) -> None:
    """In an amendment round only the reopened answers change; the rest is carried over as decided."""
    if cycle.status == CycleStatus.AMENDING and not answer_is_reopened(answer):
        raise CycleLocked(
            _(
                "Requirement %(ref)s is carried over from the decided application. In this amendment round "
                "only the requirements the decision reopened can change."
            )
            % {"ref": answer.requirement.reference}
        )


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
    # A NUL character cannot be stored (PostgreSQL refuses it) and is never meant: refuse it plainly.
    for name in ("narrative", "na_reason"):
        if "\x00" in getattr(data, name):
            errors[name] = _("The text contains a null character; remove it and save again.")
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
        cycle = _lock_editable_cycle(answer.cycle, user)
        _check_answer_open(cycle, answer)
        _validate_answer(data, cycle.facility)
        current = (
            # Lock the answer row only: PostgreSQL cannot lock the nullable side of an outer join.
            Answer.objects.select_for_update(of=("self",))
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
        current.carried_over = False
        current.updated_by = user
        current._history_user = user  # type: ignore[attr-defined]
        current.save()
    return current


def comment_add(*, answer: Answer, user: Any, body: str) -> AnswerComment:
    body = body.strip()
    if not body:
        raise Invalid(_("Write a comment first."), field="body")
    with transaction.atomic():
        _lock_editable_cycle(answer.cycle, user)
        return AnswerComment.objects.create(answer=answer, author=user, body=body)


def _answer_changed_by(answer: Answer, user: Any) -> None:
    """A change to a carried-over answer's evidence is a person's decision about it: no longer to confirm."""
    current = Answer.objects.select_for_update().get(pk=answer.pk)
    if current.carried_over:
        current.carried_over = False
        current._history_user = user  # type: ignore[attr-defined]
        current.save(update_fields=["carried_over", "updated_at"])
    answer.carried_over = False


def evidence_link(*, answer: Answer, document: EvidenceDocument, user: Any) -> EvidenceLink:
    with transaction.atomic():
        cycle = _lock_editable_cycle(answer.cycle, user)
        _check_answer_open(cycle, answer)
        if document.facility_id != cycle.facility_id:
            raise Invalid(_("Choose a document from this facility's evidence library."), field="document")
        link, created = EvidenceLink.objects.get_or_create(
            answer=answer, document=document, defaults={"linked_by": user}
        )
        if created:
            _answer_changed_by(answer, user)
        return link


def evidence_unlink(*, answer: Answer, document: EvidenceDocument, user: Any) -> None:
    with transaction.atomic():
        cycle = _lock_editable_cycle(answer.cycle, user)
        _check_answer_open(cycle, answer)
        deleted, _rows = EvidenceLink.objects.filter(answer=answer, document=document).delete()
        if deleted:
            _answer_changed_by(answer, user)


def answer_confirm(*, answer: Answer, user: Any) -> Answer:
    """A person confirms that a carried-over answer (claim, narrative, evidence) still holds.

    An answer that is not carried over is returned unchanged.
    """
    with transaction.atomic():
        cycle = _lock_editable_cycle(answer.cycle, user)
        _check_answer_open(cycle, answer)
        current = Answer.objects.select_for_update().select_related("requirement__standard").get(pk=answer.pk)
        if current.carried_over:
            current.carried_over = False
            current.updated_by = user
            current._history_user = user  # type: ignore[attr-defined]
            current._change_reason = "confirmed"  # type: ignore[attr-defined]
            current.save(update_fields=["carried_over", "updated_by", "updated_at"])
    answer.carried_over = False
    return current


def answers_confirm(*, cycle: Cycle, user: Any, answer_ids: list[Any]) -> list[Answer]:
    """Confirm several carried-over answers of one cycle at once (each as answer_confirm)."""
    answers = list(
        Answer.objects.filter(cycle=cycle, pk__in=answer_ids).select_related("cycle__facility", "requirement__standard")
    )
    if len(answers) != len(set(map(str, answer_ids))):
        raise Invalid(_("Every answer must belong to this application."), field="answer_ids")
    with transaction.atomic():
        return [answer_confirm(answer=a, user=user) for a in answers]


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
        raise NotPermitted(_("You may not change this facility's evidence library."))


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
        raise Invalid(_("Choose a file, or declare the document available on request."), field="files")
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


# ----------------------------------------------------------------------------- signing


def signature_check(user: Any, *, password: str = "", code: str = "") -> bool:
    """The signer proves it is them: an authenticator code when they use one, else their password."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None:
        return bool(code.strip()) and TOTP(authenticator).validate_code(code.strip())
    return bool(password) and user.check_password(password)


__all__ = [
    "AnswerInput",
    "CycleLocked",
    "DocumentInput",
    "RefusedFile",
    "StaleAnswer",
    "answer_confirm",
    "answer_save",
    "answers_confirm",
    "check_can_start",
    "comment_add",
    "cycle_create",
    "cycle_row_create",
    "evidence_document_create",
    "evidence_document_update",
    "evidence_link",
    "evidence_revision_add",
    "evidence_unlink",
    "framework_or_refuse",
    "signature_check",
]
