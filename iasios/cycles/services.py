"""The services that move a cycle across apps (docs/cycle-lifecycle.md).

Each goes through `lifecycle.CYCLE_LIFECYCLE`, whose `who` and source states are the rule of who
may; a refusal is a `core.refusals` error (NotPermitted 403, Conflict 409, Invalid 422). What
they need from the apps below they ask directly: the case review's snapshot (casereview), the
reviews that follow a new dossier (assessment), the current award and the re-certification
window (decisions).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from allauth.core import ratelimit
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from iasios.applications import notifications
from iasios.applications import services as application_services
from iasios.applications.dates import add_months
from iasios.applications.dossier import DECLARATION, dossier_freeze
from iasios.applications.models import (
    AmendmentItem,
    AmendmentRound,
    Answer,
    Cycle,
    CycleAim,
    CycleKind,
    CycleStatus,
    Dossier,
    EvidenceLink,
)
from iasios.applications.selectors import last_decided_cycle
from iasios.assessment import services as assessment_services
from iasios.casereview import selectors as casereview_selectors
from iasios.core.events import record_event
from iasios.core.refusals import Invalid, NotPermitted
from iasios.core.statemachine import TransitionNotAllowed
from iasios.cycles.lifecycle import CYCLE_LIFECYCLE
from iasios.decisions import selectors as decision_selectors
from iasios.facilities.models import Facility
from iasios.standards.models import Requirement
from iasios.standards.selectors import NoCurrentFramework, current_programme_settings

# ----------------------------------------------------------------------------- starting a cycle


def cycle_start(*, facility: Facility, user: Any, kind: str = CycleKind.INITIAL) -> Cycle:
    """Start a cycle pinned to the current framework, with one empty answer per requirement.

    A facility holding an award in force does not start a new initial application: it renews
    through re-certification (cycle_start_recertification), which carries its answers over.
    """
    application_services.check_can_start(facility, user)
    if kind == CycleKind.INITIAL and decision_selectors.current_award(facility) is not None:
        raise TransitionNotAllowed(
            _(
                "This facility holds a current award, so it does not start a new initial application: "
                "it renews through re-certification, which opens in the last months of the award."
            )
        )
    return application_services.cycle_create(facility=facility, user=user, kind=kind)


# ----------------------------------------------------------------------------- submission


def _check_may(name: str, cycle: Cycle, user: Any) -> None:
    """The transition's state and `who`, before a service asks for anything else (a signature)."""
    transition = CYCLE_LIFECYCLE[name]
    current = Cycle.objects.select_related("facility").get(pk=cycle.pk)
    if current.status not in transition.sources:
        raise TransitionNotAllowed(
            _("“%(action)s” is not possible from the state “%(state)s”.")
            % {"action": transition.label or transition.name, "state": current.get_status_display()}
        )
    if not transition.who(user, current):
        raise NotPermitted(_("You may not do this."))


# The signature's failures are rate-limited like the login's, through allauth's limiter: the rate
# is `ACCOUNT_RATE_LIMITS[SIGNATURE_RATE_ACTION]` (settings: 5 failures in 5 minutes, per user).
SIGNATURE_RATE_ACTION = "submission_signature_failed"


class TooManyAttempts(Invalid):
    """Too many wrong passwords or codes lately: the signature is not even checked (429)."""

    status = 429
    code = "too_many_attempts"


def _signature_or_refuse(request: HttpRequest | None, user: Any, *, password: str, code: str) -> str | None:
    """None when the signer proved it is them, else the field at fault. With a request, a signer
    past the rate of failures is refused before the check, and each failure is counted."""
    uses_code = bool(getattr(user, "has_mfa", False))
    field = "code" if uses_code else "password"
    if request is not None and not ratelimit.consume(request, action=SIGNATURE_RATE_ACTION, user=user, dry_run=True):
        raise TooManyAttempts(
            _("Too many wrong attempts at signing: wait a few minutes, then sign again. Nothing has been submitted."),
            field=field,
        )
    if application_services.signature_check(user, password=password, code=code):
        return None
    if request is not None:
        ratelimit.consume(request, action=SIGNATURE_RATE_ACTION, user=user)
    return field


def cycle_submit(
    *,
    cycle: Cycle,
    user: Any,
    declaration_accepted: bool,
    password: str = "",
    code: str = "",
    request: HttpRequest | None = None,
) -> Dossier:
    """Sign the declaration and submit (from draft, returned or amending): a new dossier revision is frozen.

    The first submission freezes revision 1; a resubmission after a return or an amendment round
    freezes the next number. Earlier revisions stay as they were. The dossier holds the case
    review's snapshot at this moment. Pages and the API pass their `request`: the signature's
    failures are then rate-limited per signer (`TooManyAttempts`, nothing submitted).
    """
    _check_may("submit", cycle, user)
    errors: dict[str, str] = {}
    if not declaration_accepted:
        errors["declaration"] = _("Tick the declaration to sign it.")
    wrong = _signature_or_refuse(request, user, password=password, code=code)
    if wrong is not None:
        errors[wrong] = (
            _("The code from your authenticator app is not right.")
            if wrong == "code"
            else _("The password is not right.")
        )
    if len(errors) == 1:
        [(field, message)] = errors.items()
        raise Invalid(message, field=field)
    if errors:
        raise ValidationError(errors)  # both fields at fault: each gets its message
    with transaction.atomic():
        now = timezone.now()
        source = Cycle.objects.only("status").get(pk=cycle.pk).status
        locked = CYCLE_LIFECYCLE.apply(cycle, "submit", actor=user, changes={"submitted_at": now, "submitted_by": user})
        dossier = dossier_freeze(
            locked,
            signed_by=user,
            declaration=str(DECLARATION),
            case_review=casereview_selectors.case_review_snapshot(locked),
            amending=source == CycleStatus.AMENDING,
        )
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
        assessment_services.reviews_follow_dossier(cycle=locked, actor=actor)
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


def _is_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


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
        raise Invalid(_("Name at least one requirement to amend."), field="requirement_ids")
    answers = list(
        Answer.objects.filter(cycle=cycle, requirement_id__in=wanted).select_related("requirement__standard")
    )
    if len(answers) != len(wanted):
        raise Invalid(_("Every requirement must belong to this application's standards."), field="requirement_ids")
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


# ----------------------------------------------------------------------------- re-certification


def cycle_start_recertification(
    *, facility: Facility, user: Any, aim: str, today: datetime.date | None = None
) -> Cycle:
    """Start a re-certification on the current standards, seeded from the last decided cycle.

    Answers (claim, narrative, reason it does not apply) and evidence links are copied onto the
    requirements with the same standard number and letter, each marked carried over until a
    person confirms or changes it; requirements new in this version start empty, those that no
    longer exist are dropped (both listed in `cycle.carry_over`). The case review starts afresh.
    """
    application_services.check_can_start(facility, user)
    if aim not in CycleAim.values:
        raise Invalid(_("Choose Accredited Centre or Centre of Excellence."), field="aim")
    today = today or timezone.localdate()
    if not decision_selectors.recertification_open(facility, today):
        raise TransitionNotAllowed(
            _("Re-certification is not open: it opens in the last months of the facility's current award.")
        )
    if aim == CycleAim.CENTRE_OF_EXCELLENCE and not decision_selectors.full_term_completed(facility):
        raise Invalid(
            _("Centre of Excellence can be the aim only after a full term as an Accredited Centre."), field="aim"
        )
    previous = last_decided_cycle(facility)
    if previous is None:
        raise TransitionNotAllowed(_("There is no decided application to carry over from."))
    framework = application_services.framework_or_refuse()
    with transaction.atomic():
        cycle = application_services.cycle_row_create(
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
