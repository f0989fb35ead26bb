"""Every write of the assessment: pool, assignments, ratings, requests, visit, reconciliation.

Pages, API endpoints and commands call these; each checks who may, whoever calls it, and refuses
with core.refusals (Invalid for the data, NotPermitted for the person, and for the state the
state machine's TransitionNotAllowed, a Conflict).
The cycle's own moves (triage, the hand-over to the committee) are the cycles app's; it calls
`reviews_follow_dossier` when a dossier goes to assessment. Mails go out after the commit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from iasios.accounts.roles import FACILITY_EDITOR_ROLES, ProgrammeRoleName
from iasios.applications import services as application_services
from iasios.applications.filetypes import RefusedFile
from iasios.applications.models import Cycle, CycleKind, CycleStatus, EvidenceRevision
from iasios.assessment import access, selectors
from iasios.assessment.lifecycle import ASSIGNMENT_LIFECYCLE, EVIDENCE_REQUEST_LIFECYCLE
from iasios.assessment.models import (
    ACTIVE_ASSIGNMENT_STATES,
    AssessorProfile,
    Assignment,
    AssignmentStatus,
    Availability,
    ConsolidatedRating,
    EvidenceRequest,
    EvidenceRequestMessage,
    MessageKind,
    Outcome,
    OutcomeOverride,
    Rating,
    RequirementRating,
    Visit,
    VisitFinding,
    VisitKind,
)
from iasios.core.events import record_event
from iasios.core.refusals import Invalid, NotPermitted
from iasios.core.statemachine import TransitionNotAllowed
from iasios.facilities.access import is_office
from iasios.facilities.models import Membership
from iasios.notifications.mail import send_templated_mail
from iasios.standards.models import Requirement


def _require_office(user: Any) -> None:
    if not is_office(user):
        raise NotPermitted(_("Only the programme office may do this."))


def _site_url(path: str) -> str:
    from django.conf import settings

    return f"{settings.SITE_URL.rstrip('/')}{path}"


# ----------------------------------------------------------------------------- assessor pool


@dataclass(frozen=True)
class ProfileInput:
    country: str
    institution: str
    expertise_categories: list[str]
    expertise_note: str = ""
    languages: str = ""
    availability: str = Availability.AVAILABLE
    availability_note: str = ""


def _validate_profile(data: ProfileInput) -> None:
    errors: dict[str, str] = {}
    if len(data.country.strip()) != 2:
        errors["country"] = _("Choose the country the assessor works in.")
    if not data.institution.strip():
        errors["institution"] = _("Name the institution the assessor works at: it decides conflicts.")
    if data.availability not in Availability.values:
        errors["availability"] = _("Choose one of the offered values.")
    if errors:
        raise ValidationError(errors)


def assessor_profile_save(*, user: Any, actor: Any, data: ProfileInput) -> AssessorProfile:
    """Create or update the pool entry of a person holding the assessor role."""
    _require_office(actor)
    _validate_profile(data)
    if not user.has_programme_role(ProgrammeRoleName.ASSESSOR):
        raise Invalid(_("This person does not hold the assessor role."), field="user")
    profile = AssessorProfile.objects.filter(user=user).first() or AssessorProfile(user=user)
    created = profile._state.adding
    profile.country = data.country.strip().upper()
    profile.institution = data.institution.strip()
    profile.expertise_categories = list(data.expertise_categories)
    profile.expertise_note = data.expertise_note.strip()
    profile.languages = data.languages.strip()
    profile.availability = data.availability
    profile.availability_note = data.availability_note.strip()
    profile._history_user = actor  # type: ignore[attr-defined]
    profile.save()
    record_event(obj=profile, action="assessor_profile_created" if created else "assessor_profile_updated", actor=actor)
    return profile


def reviews_follow_dossier(*, cycle: Cycle, actor: Any = None) -> list[Assignment]:
    """Reopen the submitted reviews of an earlier dossier revision once a newer one is in assessment.

    Idempotent. The cycles app calls it when a dossier goes to assessment (`cycle_start_assessment`,
    in the same transaction), whichever page or endpoint moved it; pages only read.
    """
    if cycle.status != CycleStatus.IN_ASSESSMENT:
        return []
    dossier = selectors.latest_dossier(cycle)
    if dossier is None:
        return []
    stale = list(
        Assignment.objects.filter(cycle=cycle, status=AssignmentStatus.SUBMITTED)
        .exclude(submitted_dossier=dossier)
        .select_related("assessor", "cycle__facility")
    )
    for assignment in stale:
        ASSIGNMENT_LIFECYCLE.apply(assignment, "reopen_review", actor=actor, reason=_("New dossier revision"))
        _mail_assessor_after_commit(assignment, "assessment/email/review_reopened")
    return stale


# ----------------------------------------------------------------------------- assignments


def _mail_assessor_after_commit(assignment: Assignment, template: str) -> None:
    transaction.on_commit(partial(_mail_assessor, assignment, template))


def _mail_assessor(assignment: Assignment, template: str) -> None:
    send_templated_mail(
        template,
        [assignment.assessor.email],
        {
            "assignment": assignment,
            "cycle": assignment.cycle,
            "facility": assignment.cycle.facility,
            "url": _site_url(reverse("assessment:assignment", args=[assignment.pk])),
        },
    )


def assignment_create(*, cycle: Cycle, assessor: Any, actor: Any) -> Assignment:
    """Propose `assessor` for `cycle`. Refused on a conflict or when the cycle has its assessors."""
    _require_office(actor)
    profile = AssessorProfile.objects.filter(user=assessor).select_related("user").first()
    if profile is None or not assessor.has_programme_role(ProgrammeRoleName.ASSESSOR):
        raise Invalid(_("Choose an assessor of the pool."), field="assessor")
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().select_related("facility", "framework").get(pk=cycle.pk)
        if locked.status != CycleStatus.IN_ASSESSMENT:
            raise TransitionNotAllowed(_("Assessors are assigned once the application is in assessment."))
        conflicts = selectors.conflict_reasons(profile, locked.facility)
        if conflicts:
            raise Invalid(
                _("%(name)s cannot assess this facility: %(reasons)s.")
                % {"name": assessor, "reasons": "; ".join(conflicts)},
                field="assessor",
            )
        if profile.availability == Availability.UNAVAILABLE:
            raise Invalid(_("%(name)s is marked unavailable.") % {"name": assessor}, field="assessor")
        active = Assignment.objects.filter(cycle=locked, status__in=ACTIVE_ASSIGNMENT_STATES)
        limit = selectors.assessors_per_cycle(locked)
        if active.count() >= limit:
            raise TransitionNotAllowed(
                ngettext(
                    "This application already has %(n)d assessor; withdraw them first.",
                    "This application already has %(n)d assessors; withdraw one first.",
                    limit,
                )
                % {"n": limit}
            )
        if active.filter(assessor=assessor).exists():
            raise Invalid(_("%(name)s is already assigned.") % {"name": assessor}, field="assessor")
        try:
            with transaction.atomic():
                assignment = Assignment.objects.create(cycle=locked, assessor=assessor, assigned_by=actor)
        except IntegrityError as exc:
            raise Invalid(_("%(name)s is already assigned.") % {"name": assessor}, field="assessor") from exc
        record_event(obj=assignment, action="assigned", actor=actor, to_state=assignment.status)
        record_event(obj=locked, action="assessor_assigned", actor=actor, data={"assessor": str(assessor.pk)})
        _mail_assessor_after_commit(assignment, "assessment/email/assigned")
    return assignment


def assignment_accept(*, assignment: Assignment, user: Any, no_conflict: bool, interests: str = "") -> Assignment:
    """Accept with the conflict-of-interest declaration: tick "no conflict" and list any other interests."""
    if not no_conflict:
        raise Invalid(
            _("Declare that you have no conflict of interest, or decline the assignment."), field="no_conflict"
        )
    result = ASSIGNMENT_LIFECYCLE.apply(
        assignment,
        "accept",
        actor=user,
        data={"declared_interests": interests.strip()},
        changes={"no_conflict": True, "declared_interests": interests.strip(), "responded_at": timezone.now()},
    )
    selectors.forget_assessor_cache(user)
    return result


def assignment_decline(*, assignment: Assignment, user: Any, reason: str) -> Assignment:
    if not reason.strip():
        raise Invalid(_("Say why you decline, so the office can choose someone else."), field="reason")
    return ASSIGNMENT_LIFECYCLE.apply(
        assignment, "decline", actor=user, reason=reason.strip(), changes={"responded_at": timezone.now()}
    )


def assignment_withdraw(*, assignment: Assignment, actor: Any, reason: str) -> Assignment:
    if not reason.strip():
        raise Invalid(_("Give the reason for withdrawing the assignment."), field="reason")
    return ASSIGNMENT_LIFECYCLE.apply(assignment, "withdraw", actor=actor, reason=reason.strip())


def review_submit(*, assignment: Assignment, user: Any) -> Assignment:
    """Submit the review of the current dossier revision (the lifecycle's guard says when)."""
    dossier = selectors.latest_dossier(assignment.cycle)
    return ASSIGNMENT_LIFECYCLE.apply(
        assignment,
        "submit_review",
        actor=user,
        changes={"submitted_at": timezone.now(), "submitted_dossier": dossier},
    )


# ----------------------------------------------------------------------------- ratings


def rating_save(
    *, assignment: Assignment, user: Any, requirement: Requirement, rating: str, comment: str = ""
) -> RequirementRating:
    """Rate one requirement against the current dossier revision (a new rating replaces the last)."""
    if rating not in Rating.values:
        raise Invalid(_("Choose met, partly met, not met or not applicable."), field="rating")
    if rating != Rating.MET and not comment.strip():
        raise Invalid(_("Say what is missing or why it does not apply."), field="comment")
    with transaction.atomic():
        locked = Assignment.objects.select_for_update().select_related("cycle").get(pk=assignment.pk)
        if not access.can_rate(user, locked):
            if locked.assessor_id != getattr(user, "pk", None):
                raise NotPermitted(_("You may not rate this application."))
            raise TransitionNotAllowed(_("This review cannot be changed now."))
        if requirement.framework_id != locked.cycle.framework_id:
            raise Invalid(_("This requirement is not part of the application's standards."), field="requirement")
        dossier = selectors.latest_dossier(locked.cycle)
        if dossier is None:
            raise TransitionNotAllowed(_("The application has no dossier."))
        row, _created = RequirementRating.objects.select_for_update().get_or_create(
            assignment=locked,
            requirement=requirement,
            defaults={"rating": rating, "comment": comment.strip(), "dossier": dossier},
        )
        if not _created:
            row.rating = rating
            row.comment = comment.strip()
            row.dossier = dossier
            row._history_user = user  # type: ignore[attr-defined]
            row.save()
    return row


# ----------------------------------------------------------------------------- evidence requests


def default_due_date(cycle: Cycle, *, today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=cycle.framework.settings.evidence_response_days)


def _facility_editors(cycle: Cycle) -> list[str]:
    return list(
        Membership.objects.filter(facility=cycle.facility, role__in=FACILITY_EDITOR_ROLES).values_list(
            "user__email", flat=True
        )
    )


def _mail_request_after_commit(request: EvidenceRequest, template: str, to: Iterable[str]) -> None:
    transaction.on_commit(partial(_mail_request, request, template, list(to)))


def _mail_request(request: EvidenceRequest, template: str, to: Iterable[str]) -> None:
    send_templated_mail(
        template,
        to,
        {
            "request": request,
            "cycle": request.cycle,
            "facility": request.cycle.facility,
            "requirement": request.requirement,
            "url": _site_url(reverse("assessment:request", args=[request.pk])),
        },
    )


def _check_due(due_on: datetime.date, today: datetime.date) -> None:
    if due_on < today:
        raise Invalid(_("The due date is in the past."), field="due_on")


def evidence_request_create(
    *,
    assignment: Assignment,
    user: Any,
    requirement: Requirement,
    question: str,
    due_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> EvidenceRequest:
    today = today or timezone.localdate()
    if not question.strip():
        raise Invalid(_("Write the question for the facility."), field="question")
    due_on = due_on or default_due_date(assignment.cycle, today=today)
    _check_due(due_on, today)
    with transaction.atomic():
        locked = (
            Assignment.objects.select_for_update()
            .select_related("cycle__facility", "cycle__framework")
            .get(pk=assignment.pk)
        )
        if locked.assessor_id != getattr(user, "pk", None) or not locked.is_working:
            raise NotPermitted(_("You may not ask on this application."))
        if locked.cycle.status != CycleStatus.IN_ASSESSMENT:
            raise TransitionNotAllowed(_("Evidence can be requested while the application is in assessment."))
        if requirement.framework_id != locked.cycle.framework_id:
            raise Invalid(_("This requirement is not part of the application's standards."), field="requirement")
        request = EvidenceRequest.objects.create(
            cycle=locked.cycle, assignment=locked, requirement=requirement, due_on=due_on, opened_at=timezone.now()
        )
        EvidenceRequestMessage.objects.create(
            request=request, kind=MessageKind.QUESTION, author=user, body=question.strip(), due_on=due_on
        )
        record_event(obj=request, action="evidence_requested", actor=user, to_state=request.status)
        record_event(
            obj=locked.cycle,
            action="evidence_requested",
            actor=user,
            data={"request": str(request.pk), "requirement": requirement.reference, "due_on": due_on.isoformat()},
        )
        _mail_request_after_commit(request, "assessment/email/evidence_requested", _facility_editors(locked.cycle))
    return request


def evidence_request_answer(
    *,
    request: EvidenceRequest,
    user: Any,
    text: str,
    revisions: Iterable[EvidenceRevision] = (),
    upload: Any | None = None,
    upload_title: str = "",
) -> EvidenceRequest:
    """The facility's answer: text, evidence revisions of its own library and, optionally, a new
    file added to the library as a new document. The request's transition is taken first, so
    nothing is stored when the answer is refused."""
    revisions = list(revisions)
    if not text.strip() and not revisions and upload is None:
        raise Invalid(_("Write an answer or attach evidence."), field="text")
    if any(r.document.facility_id != request.cycle.facility_id for r in revisions):
        raise Invalid(_("Attach documents of this facility's evidence library."), field="revisions")
    with transaction.atomic():
        now = timezone.now()
        updated = EVIDENCE_REQUEST_LIFECYCLE.apply(request, "answer", actor=user, changes={"answered_at": now})
        if upload is not None:
            revisions.append(_library_revision(request.cycle, user, upload, upload_title or upload.name))
        message = EvidenceRequestMessage.objects.create(
            request=request, kind=MessageKind.ANSWER, author=user, body=text.strip()
        )
        message.revisions.set(revisions)
        record_event(
            obj=request.cycle,
            action="evidence_answered",
            actor=user,
            data={"request": str(request.pk), "revisions": [str(r.pk) for r in revisions]},
        )
        _mail_request_after_commit(updated, "assessment/email/evidence_answered", [request.assignment.assessor.email])
    return updated


def _library_revision(cycle: Cycle, user: Any, upload: Any, title: str) -> EvidenceRevision:
    """A new document of the facility's library from an uploaded file: its first revision."""
    try:
        document = application_services.evidence_document_create(
            facility=cycle.facility, user=user, data=application_services.DocumentInput(title=title), upload=upload
        )
    except RefusedFile as exc:
        raise Invalid(str(exc), field="new_file") from exc
    return EvidenceRevision.objects.select_related("document").get(document=document, number=1)


def evidence_request_accept(*, request: EvidenceRequest, user: Any) -> EvidenceRequest:
    return EVIDENCE_REQUEST_LIFECYCLE.apply(request, "accept", actor=user, changes={"closed_at": timezone.now()})


def evidence_request_reask(
    *,
    request: EvidenceRequest,
    user: Any,
    question: str,
    due_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> EvidenceRequest:
    """Not enough: reopen the request with a follow-up question and a new due date."""
    today = today or timezone.localdate()
    if not question.strip():
        raise Invalid(_("Write the follow-up question."), field="question")
    due_on = due_on or default_due_date(request.cycle, today=today)
    _check_due(due_on, today)
    with transaction.atomic():
        updated = EVIDENCE_REQUEST_LIFECYCLE.apply(
            request, "reask", actor=user, reason=question.strip(), changes={"due_on": due_on}
        )
        EvidenceRequestMessage.objects.create(
            request=request, kind=MessageKind.QUESTION, author=user, body=question.strip(), due_on=due_on
        )
        _mail_request_after_commit(updated, "assessment/email/evidence_requested", _facility_editors(request.cycle))
    return updated


def evidence_request_withdraw(*, request: EvidenceRequest, user: Any, reason: str) -> EvidenceRequest:
    return EVIDENCE_REQUEST_LIFECYCLE.apply(
        request, "withdraw", actor=user, reason=reason.strip(), changes={"closed_at": timezone.now()}
    )


# ----------------------------------------------------------------------------- visit


@dataclass(frozen=True)
class VisitInput:
    kind: str
    starts_on: datetime.date
    ends_on: datetime.date
    visitors: str
    agenda: str = ""


def visit_save(*, cycle: Cycle, actor: Any, data: VisitInput) -> Visit:
    _require_office(actor)
    errors: dict[str, str] = {}
    if data.kind not in VisitKind.values:
        errors["kind"] = _("Choose remote or on site.")
    if data.ends_on < data.starts_on:
        errors["ends_on"] = _("The last day is before the first day.")
    if not data.visitors.strip():
        errors["visitors"] = _("Name the visitors and their roles.")
    if errors:
        raise ValidationError(errors)
    visit = Visit.objects.filter(cycle=cycle).first() or Visit(cycle=cycle)
    created = visit._state.adding
    visit.kind = data.kind
    visit.starts_on = data.starts_on
    visit.ends_on = data.ends_on
    visit.visitors = data.visitors.strip()
    visit.agenda = data.agenda.strip()
    visit._history_user = actor  # type: ignore[attr-defined]
    visit.save()
    record_event(
        obj=cycle, action="visit_planned" if created else "visit_changed", actor=actor, data={"kind": data.kind}
    )
    return visit


def visit_finding_add(*, visit: Visit, user: Any, requirement: Requirement, text: str) -> VisitFinding:
    if not (is_office(user) or selectors.is_assigned_assessor(user, visit.cycle)):
        raise NotPermitted(_("You may not add findings to this visit."))
    if not text.strip():
        raise Invalid(_("Write the finding."), field="text")
    if requirement.framework_id != visit.cycle.framework_id:
        raise Invalid(_("This requirement is not part of the application's standards."), field="requirement")
    return VisitFinding.objects.create(visit=visit, requirement=requirement, text=text.strip(), author=user)


# ----------------------------------------------------------------------------- reconciliation and recommendation


def consolidated_ratings_record(
    *, cycle: Cycle, actor: Any, ratings: dict[int, tuple[str, str]]
) -> list[ConsolidatedRating]:
    """Record the office's rating per requirement id: (rating, note). Unchanged rows are left alone."""
    _require_office(actor)
    if cycle.status != CycleStatus.IN_ASSESSMENT:
        raise TransitionNotAllowed(_("Ratings are reconciled while the application is in assessment."))
    recon = selectors.reconciliation(cycle)
    if not recon.ready:
        raise TransitionNotAllowed(_("Both assessors have to submit their reviews first."))
    dossier = recon.round.dossier
    if dossier is None:
        raise TransitionNotAllowed(_("The application has no dossier."))
    valid = {r.requirement.pk: r for r in recon.rows}
    errors: dict[str, str] = {}
    for requirement_id, (rating, _note) in ratings.items():
        if requirement_id not in valid:
            errors["requirement"] = _("A requirement is not part of the application's standards.")
        elif rating and rating not in Rating.values:
            errors[f"rating_{requirement_id}"] = _("Choose one of the offered ratings.")
    if errors:
        raise ValidationError(errors)
    saved = []
    with transaction.atomic():
        for requirement_id, (rating, note) in ratings.items():
            if not rating:
                continue
            existing = valid[requirement_id].consolidated
            if (
                existing is not None
                and existing.rating == rating
                and existing.note == note.strip()
                and (existing.dossier_id == getattr(dossier, "pk", None) or not recon.round.in_scope(requirement_id))
            ):
                continue
            row, _created = ConsolidatedRating.objects.update_or_create(
                cycle=cycle,
                requirement_id=requirement_id,
                defaults={"rating": rating, "note": note.strip(), "dossier": dossier, "recorded_by": actor},
            )
            saved.append(row)
        if saved:
            record_event(
                obj=cycle,
                action="ratings_consolidated",
                actor=actor,
                data={"ratings": {str(r.requirement_id): r.rating for r in saved}},
            )
    return saved


def outcome_override(
    *, cycle: Cycle, actor: Any, outcome: str, reason: str, accredited_award_in_force: bool
) -> OutcomeOverride | None:
    """Change the proposed outcome, only with a reason; choosing the rule engine's proposal clears it.

    `accredited_award_in_force` is the fact the rule engine needs (see selectors.recommendation_for).
    """
    _require_office(actor)
    if outcome not in Outcome.values:
        raise Invalid(_("Choose one of the offered outcomes."), field="outcome")
    excellence_possible = cycle.kind == CycleKind.RECERTIFICATION and accredited_award_in_force
    if outcome == Outcome.CENTRE_OF_EXCELLENCE and not excellence_possible:
        raise Invalid(
            _(
                "Centre of Excellence is possible only in a re-certification of a centre that holds an "
                "accredited award in force."
            ),
            field="outcome",
        )
    proposed = selectors.recommendation_for(cycle, accredited_award_in_force=accredited_award_in_force).proposed_outcome
    with transaction.atomic():
        if outcome == proposed:
            deleted, _rows = OutcomeOverride.objects.filter(cycle=cycle).delete()
            if deleted:
                record_event(obj=cycle, action="outcome_override_cleared", actor=actor, reason=reason.strip())
            return None
        if not reason.strip():
            raise Invalid(_("Give the reason for changing the proposed outcome."), field="reason")
        override, _created = OutcomeOverride.objects.update_or_create(
            cycle=cycle, defaults={"outcome": outcome, "reason": reason.strip(), "decided_by": actor}
        )
        record_event(
            obj=cycle,
            action="outcome_overridden",
            actor=actor,
            reason=reason.strip(),
            data={"proposed": proposed, "outcome": outcome},
        )
    return override
