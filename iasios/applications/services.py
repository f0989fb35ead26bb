"""Every write of the applications app: cycles, answers, comments, evidence, submission.

Pages, API endpoints and commands call these and nothing else writes. Each write to a cycle
locks the cycle row and refuses unless the cycle is with the facility (draft, returned, or, for
the reopened answers only, amending), whoever calls it. State changes go through
lifecycle.CYCLE_LIFECYCLE (docs/cycle-lifecycle.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
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
from iasios.applications import integration, notifications
from iasios.applications.access import answer_is_reopened, can_edit_cycle, can_edit_evidence, can_start_cycle
from iasios.applications.dates import add_months
from iasios.applications.filetypes import RefusedFile
from iasios.applications.lifecycle import CYCLE_LIFECYCLE
from iasios.applications.models import (
    EDITABLE_CYCLE_STATES,
    AmendmentItem,
    AmendmentRound,
    Answer,
    AnswerComment,
    Claim,
    Cycle,
    CycleAim,
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
from iasios.standards.selectors import NoCurrentFramework, current_framework, current_programme_settings


class CycleLocked(TransitionNotAllowed):
    """The cycle (or this answer of it) is not with the facility: its answers and links cannot change."""


class StaleAnswer(Exception):
    """Someone saved the answer after this edit started. Nothing was written; both versions travel."""

    def __init__(self, current: Answer, yours: dict[str, Any]) -> None:
        super().__init__(_("Someone else saved this answer while you were editing it."))
        self.current = current
        self.yours = yours


# ----------------------------------------------------------------------------- cycles


def _check_can_start(facility: Facility, user: Any) -> None:
    if facility.status != FacilityStatus.ENROLLED:
        raise TransitionNotAllowed(_("An application can be started once the facility is an Enrolled Centre."))
    if not can_start_cycle(user, facility):
        raise PermissionDenied(
            _("Only the facility's authorised representative, contact person or contributors can start an application.")
        )


def _create_cycle(*, facility: Facility, framework: Any, user: Any, **fields: Any) -> Cycle:
    """Create the cycle row, with the facility locked so that two starts cannot both pass the check."""
    Facility.objects.select_for_update().filter(pk=facility.pk).first()
    if Cycle.objects.open().filter(facility=facility).exists():
        raise TransitionNotAllowed(_("This facility already has an open application."))
    try:
        with transaction.atomic():
            return Cycle.objects.create(facility=facility, framework=framework, started_by=user, **fields)
    except IntegrityError as exc:
        raise TransitionNotAllowed(_("This facility already has an open application.")) from exc


def _framework_or_refuse() -> Any:
    framework = current_framework()
    if framework is None:
        raise TransitionNotAllowed(_("No standards are in force yet; the programme office has to publish them."))
    return framework


def cycle_start(*, facility: Facility, user: Any, kind: str = CycleKind.INITIAL) -> Cycle:
    """Start a cycle pinned to the current framework, with one empty answer per requirement.

    A facility holding an award in force does not start a new initial application: it renews
    through re-certification (cycle_start_recertification), which carries its answers over.
    """
    _check_can_start(facility, user)
    if kind == CycleKind.INITIAL and integration.has_current_award(facility):
        raise TransitionNotAllowed(
            _(
                "This facility holds a current award, so it does not start a new initial application: "
                "it renews through re-certification, which opens in the last months of the award."
            )
        )
    framework = _framework_or_refuse()
    with transaction.atomic():
        cycle = _create_cycle(facility=facility, framework=framework, user=user, kind=kind)
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
        raise PermissionDenied(_("You may not change this application."))
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
        raise ValidationError({"body": _("Write a comment first.")})
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
            raise ValidationError({"document": _("Choose a document from this facility's evidence library.")})
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
        raise ValidationError({"answer_ids": _("Every answer must belong to this application.")})
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
    """Sign the declaration and submit (from draft, returned or amending): a new dossier revision is frozen.

    The first submission freezes revision 1; a resubmission after a return or an amendment round
    freezes the next number. Earlier revisions stay as they were.
    """
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
        source = Cycle.objects.only("status").get(pk=cycle.pk).status
        locked = CYCLE_LIFECYCLE.apply(cycle, "submit", actor=user, changes={"submitted_at": now, "submitted_by": user})
        dossier = dossier_freeze(locked, signed_by=user, declaration=str(DECLARATION), amending=source == "amending")
        record_event(
            obj=locked,
            action="dossier_frozen",
            actor=user,
            data={"sha256": dossier.sha256, "revision": dossier.number},
        )
        notifications.cycle_submitted(locked, dossier)
    cycle.refresh_from_db()
    return dossier


# ----------------------------------------------------------------------------- office, assessment, committee


def cycle_return(*, cycle: Cycle, actor: Any, reason: str) -> Cycle:
    """The office returns a submitted dossier to the facility, saying what to fix; everything is editable again."""
    with transaction.atomic():
        locked = CYCLE_LIFECYCLE.apply(cycle, "return", actor=actor, reason=reason.strip())
        notifications.cycle_returned(locked, reason.strip())
    return locked


def cycle_start_assessment(*, cycle: Cycle, actor: Any) -> Cycle:
    """The office passes the submitted dossier to the assessors.

    On a resubmission (after a return or an amendment round) the same assessors continue: their
    reviews of the earlier dossier revision reopen in the same transaction.
    """
    with transaction.atomic():
        locked = CYCLE_LIFECYCLE.apply(cycle, "start_assessment", actor=actor)
        integration.reviews_follow_dossier(cycle=locked, actor=actor)
    return locked


def cycle_send_to_committee(*, cycle: Cycle, actor: Any) -> Cycle:
    """The office hands the assessed application to the committee, once the recommendation is ready."""
    return CYCLE_LIFECYCLE.apply(cycle, "send_to_committee", actor=actor)


def cycle_mark_decided(*, cycle: Cycle, actor: Any = None) -> Cycle:
    """The decisions app records that the committee's decision is taken; the cycle is closed."""
    return CYCLE_LIFECYCLE.apply(cycle, "decide", actor=actor, changes={"decided_at": timezone.now()})


def resubmission_window_months(cycle: Cycle) -> int:
    """The programme's current window (the office may change it), else the one the cycle pinned."""
    try:
        return current_programme_settings().resubmission_window_months
    except NoCurrentFramework:
        return cycle.framework.settings.resubmission_window_months


def cycle_reopen_for_amendment(
    *,
    cycle: Cycle,
    requirement_ids: Iterable[Any],
    actor: Any = None,
    reasons: Mapping[Any, str] | None = None,
) -> Cycle:
    """An "areas to amend" decision: decided → amending, only these requirements' answers reopen.

    `requirement_ids` are Requirement ids of the cycle's framework; `reasons` (optional) maps a
    requirement id to what the committee asks the facility to amend. The facility has
    `resubmission_window_months` from now to resubmit; the other answers are carried over.
    """
    wanted = {str(r) for r in requirement_ids}
    if not wanted:
        raise ValidationError({"requirement_ids": _("Name at least one requirement to amend.")})
    answers = list(
        Answer.objects.filter(cycle=cycle, requirement_id__in=wanted).select_related("requirement__standard")
    )
    if len(answers) != len(wanted):
        raise ValidationError({"requirement_ids": _("Every requirement must belong to this application's standards.")})
    by_requirement = {str(k): v for k, v in (reasons or {}).items()}
    now = timezone.now()
    due_at = add_months(now, resubmission_window_months(cycle))
    answers.sort(key=lambda a: a.requirement.position)
    with transaction.atomic():
        locked = CYCLE_LIFECYCLE.apply(
            cycle,
            "reopen_for_amendment",
            actor=actor,
            data={"requirements": [a.requirement.reference for a in answers], "due_at": due_at.isoformat()},
        )
        last = AmendmentRound.objects.filter(cycle=locked).aggregate(n=models.Max("number"))["n"] or 0
        round_ = AmendmentRound.objects.create(
            cycle=locked, number=last + 1, due_at=due_at, opened_by=actor if _is_user(actor) else None
        )
        AmendmentItem.objects.bulk_create(
            [
                AmendmentItem(round=round_, answer=a, reason=by_requirement.get(str(a.requirement_id), "").strip())
                for a in answers
            ]
        )
    return locked


def cycle_reconsider(*, cycle: Cycle, actor: Any, reason: str) -> Cycle:
    """After an upheld appeal the decided application goes back to the committee.

    Taken by the system, a committee member (the one who heard the appeal) or the office. When
    the decision set aside was "areas to amend", the cycle is amending: its round closes here
    (the event names it), nothing reopened stays editable, and a new "areas to amend" decision
    opens the next round.
    """
    with transaction.atomic():
        source = Cycle.objects.select_for_update().only("status").get(pk=cycle.pk).status
        data: dict[str, Any] = {}
        if source == CycleStatus.AMENDING:
            closed = AmendmentRound.objects.filter(cycle_id=cycle.pk).aggregate(n=models.Max("number"))["n"]
            data["closed_amendment_round"] = closed
        return CYCLE_LIFECYCLE.apply(cycle, "reconsider", actor=actor, reason=reason.strip(), data=data or None)


def cycle_close_amendment(*, cycle: Cycle, actor: Any = None, reason: str = "") -> Cycle:
    """The resubmission window passed without a resubmission: the cycle closes, the decision stands."""
    return CYCLE_LIFECYCLE.apply(
        cycle,
        "close_amendment",
        actor=actor,
        reason=reason.strip() or _("The resubmission window closed without a resubmission."),
    )


def _is_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


# ----------------------------------------------------------------------------- re-certification


def last_decided_cycle(facility: Facility) -> Cycle | None:
    return (
        Cycle.objects.decided()
        .filter(facility=facility)
        .select_related("framework")
        .order_by(models.F("decided_at").desc(nulls_last=True), "-created_at")
        .first()
    )


def cycle_start_recertification(
    *, facility: Facility, user: Any, aim: str, today: datetime.date | None = None
) -> Cycle:
    """Start a re-certification on the current standards, seeded from the last decided cycle.

    Answers (claim, narrative, reason it does not apply) and evidence links are copied onto the
    requirements with the same standard number and letter, each marked carried over until a
    person confirms or changes it; requirements new in this version start empty, those that no
    longer exist are dropped (both listed in `cycle.carry_over`). The case review starts afresh.
    """
    _check_can_start(facility, user)
    if aim not in CycleAim.values:
        raise ValidationError({"aim": _("Choose Accredited Centre or Centre of Excellence.")})
    today = today or timezone.localdate()
    if not integration.recertification_open(facility, today):
        raise TransitionNotAllowed(
            _("Re-certification is not open: it opens in the last months of the facility's current award.")
        )
    if aim == CycleAim.CENTRE_OF_EXCELLENCE and not integration.full_term_completed(facility):
        raise ValidationError(
            {"aim": _("Centre of Excellence can be the aim only after a full term as an Accredited Centre.")}
        )
    previous = last_decided_cycle(facility)
    if previous is None:
        raise TransitionNotAllowed(_("There is no decided application to carry over from."))
    framework = _framework_or_refuse()
    with transaction.atomic():
        cycle = _create_cycle(
            facility=facility,
            framework=framework,
            user=user,
            kind=CycleKind.RECERTIFICATION,
            aim=aim,
            previous=previous,
        )
        report = _carry_over(previous=previous, cycle=cycle, user=user)
        Cycle.objects.filter(pk=cycle.pk).update(carry_over=report)
        cycle.carry_over = report
        record_event(
            obj=cycle,
            action="cycle_started",
            actor=user,
            to_state=cycle.status,
            data={
                "framework": f"{framework.code} {framework.version}",
                "kind": CycleKind.RECERTIFICATION,
                "aim": aim,
                "previous": str(previous.pk),
                "new_requirements": report["new"],
                "removed_requirements": report["removed"],
            },
        )
    return cycle


def _carry_over(*, previous: Cycle, cycle: Cycle, user: Any) -> dict[str, Any]:
    def key(requirement: Requirement) -> tuple[int, str]:
        return (requirement.standard.number, requirement.letter.lower())

    earlier = {
        key(a.requirement): a
        for a in Answer.objects.filter(cycle=previous).select_related("requirement__standard").prefetch_related("links")
    }
    requirements = list(
        Requirement.objects.filter(framework=cycle.framework).select_related("standard").order_by("position")
    )
    answers: list[Answer] = []
    links: list[EvidenceLink] = []
    new: list[str] = []
    for requirement in requirements:
        source = earlier.pop(key(requirement), None)
        if source is None:
            new.append(requirement.reference)
            answers.append(Answer(cycle=cycle, requirement=requirement))
            continue
        answer = Answer(
            cycle=cycle,
            requirement=requirement,
            claim=source.claim,
            na_reason=source.na_reason,
            narrative=source.narrative,
            carried_over=True,
            carried_from=source,
        )
        answers.append(answer)
        links.extend(
            EvidenceLink(answer=answer, document_id=link.document_id, linked_by_id=link.linked_by_id)
            for link in source.links.all()
        )
    bulk_create_with_history(answers, Answer, default_user=user, default_change_reason="carried over")
    EvidenceLink.objects.bulk_create(links)
    removed = [a.requirement.reference for a in sorted(earlier.values(), key=lambda a: a.requirement.position)]
    return {
        "from_cycle": str(previous.pk),
        "from_framework": f"{previous.framework.code} {previous.framework.version}",
        "new": new,
        "removed": removed,
    }


__all__ = [
    "AnswerInput",
    "CycleLocked",
    "DocumentInput",
    "RefusedFile",
    "StaleAnswer",
    "answer_confirm",
    "answer_save",
    "answers_confirm",
    "comment_add",
    "cycle_close_amendment",
    "cycle_mark_decided",
    "cycle_reconsider",
    "cycle_reopen_for_amendment",
    "cycle_return",
    "cycle_send_to_committee",
    "cycle_start",
    "cycle_start_assessment",
    "cycle_start_recertification",
    "cycle_submit",
    "evidence_document_create",
    "evidence_document_update",
    "evidence_link",
    "evidence_revision_add",
    "evidence_unlink",
    "signature_check",
]
