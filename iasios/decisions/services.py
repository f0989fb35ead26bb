"""Writes of the decisions app: votes and decision rows, corrective actions, appeals, awards.

Majority rule (docs/decisions/0011-decisions-and-awards.md): a decision is taken by the vote
that brings the round to the quorum or beyond, when one outcome has more than half of the
votes cast. A tie (or a split with no majority) keeps the round open: more members vote, or
members change their vote, which they may do until the decision is taken.

These services write this app's own rows only. What the committee's decision does to the cycle
and beyond (the cycle decided or reopened for amendment, the award's certificate, the cycle back
to the committee after an upheld appeal) is composed on top, in `iasios.cycles.committee`.
Refusals are core.refusals errors; mails go out after the commit.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from iasios.applications.models import Cycle, CycleKind, CycleStatus, EvidenceDocument
from iasios.applications.selectors import latest_dossier
from iasios.core.event_display import system_reason
from iasios.core.events import record_event
from iasios.core.refusals import Conflict, Invalid, NotPermitted
from iasios.decisions import notifications, selectors
from iasios.decisions.access import can_lodge_appeal, can_manage_actions, can_vote, is_committee
from iasios.decisions.dates import add_months
from iasios.decisions.lifecycle import ACTION_LIFECYCLE, APPEAL_LIFECYCLE, AWARD_LIFECYCLE, DECISION_LIFECYCLE
from iasios.decisions.models import (
    AWARDING_OUTCOMES,
    CURRENT_AWARD_STATES,
    STANDING_AWARD_STATES,
    Appeal,
    Award,
    AwardLevel,
    AwardStatus,
    CorrectiveAction,
    Decision,
    DecisionStatus,
    Outcome,
    Vote,
)
from iasios.decisions.selectors import current_programme_settings_or, programme_settings_for
from iasios.standards.models import Requirement


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _lines(text: str) -> list[str]:
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]


def parse_references(cycle: Any, text: str) -> list[Any]:
    """Requirement references typed by a member (“1c, 4b”) → requirement ids of the cycle's framework.

    Raises Invalid (field "areas") naming the references that do not exist.
    """
    wanted = [ref.lower() for ref in re.split(r"[\s,;]+", text.strip()) if ref]
    if not wanted:
        return []
    known = {
        f"{r.standard.number}{r.letter}".lower(): r.pk
        for r in Requirement.objects.filter(framework_id=cycle.framework_id).select_related("standard")
    }
    unknown = [ref for ref in wanted if ref not in known]
    if unknown:
        raise Invalid(
            _("No such requirement in this framework: %(refs)s.") % {"refs": ", ".join(unknown)}, field="areas"
        )
    return list(dict.fromkeys(known[ref] for ref in wanted))


# ----------------------------------------------------------------------------- decision rounds


@transaction.atomic
def decision_round_open(*, cycle: Any) -> Decision:
    """The cycle's open round, opened now if there is none. The cycle must be with the committee."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    existing = Decision.objects.filter(cycle=cycle, status=DecisionStatus.VOTING).first()
    if existing is not None:
        return existing
    if cycle.status != CycleStatus.WITH_COMMITTEE:
        raise Conflict(_("This application is not with the committee."))
    last = Decision.objects.filter(cycle=cycle).aggregate(n=Max("round"))["n"] or 0
    decision = Decision.objects.create(cycle=cycle, round=last + 1)
    excluded = selectors.excluded_members_for(cycle)
    if excluded:
        decision.excluded_members.set(excluded)
    record_event(obj=decision, action="open_round", to_state=DecisionStatus.VOTING, data={"round": decision.round})
    return decision


def majority_outcome(outcomes: Iterable[str], quorum: int) -> str | None:
    """The outcome with more than half of the votes, once at least `quorum` votes are cast."""
    cast = list(outcomes)
    if len(cast) < max(quorum, 1):
        return None
    outcome, count = Counter(cast).most_common(1)[0]
    return outcome if count * 2 > len(cast) else None


@transaction.atomic
def vote_record(
    *,
    cycle: Any,
    member: Any,
    outcome: str,
    comment: str = "",
    conditions: str = "",
    areas: str = "",
    today: date | None = None,
) -> Vote:
    """Record (or change) a member's vote in the cycle's open round.

    The outcome must be one the cycle allows on `today` (`selectors.allowed_outcomes`: Centre of
    Excellence only in a re-certification of a centre holding an accredited award in force).
    Whether the vote takes the decision is `round_outcome`; `iasios.cycles.committee.vote_cast`
    asks it and takes the decision with what follows from it.
    """
    if not is_committee(member):
        raise NotPermitted(_("Only committee members vote."))
    refusal = selectors.outcome_refusal(cycle, outcome, _today(today))
    if refusal is not None:
        raise Invalid(refusal, field="outcome")
    decision = decision_round_open(cycle=cycle)
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if not can_vote(member, decision):
        raise NotPermitted(_("You took part in the decision set aside on appeal: you may not vote in this round."))
    listed = parse_references(decision.cycle, areas)  # refuse unknown references before anything is saved
    if (
        outcome == Outcome.AREAS_TO_AMEND
        and not listed
        and not selectors.recommendation_for(decision.cycle).flagged_requirement_ids
    ):
        raise Invalid(_("Name the requirements the facility must amend."), field="areas")
    vote, created = Vote.objects.update_or_create(
        decision=decision,
        member=member,
        defaults={"outcome": outcome, "comment": comment.strip(), "conditions": conditions.strip(), "areas": areas},
    )
    record_event(
        obj=decision,
        action="vote" if created else "vote_changed",
        actor=member,
        data={"outcome": outcome},
    )
    return vote


def round_outcome(decision: Decision) -> str | None:
    """The outcome the round's votes decide on (quorum and majority), or None while it stays open."""
    quorum = programme_settings_for(decision.cycle).committee_quorum
    return majority_outcome(decision.votes.values_list("outcome", flat=True), quorum)


def agreed_areas(cycle: Any, votes: Iterable[Vote], *, flagged: Iterable[Any] = ()) -> list[Any]:
    """The areas to amend the committee agreed on (docs/decisions/0026): every requirement named by
    at least half of the votes for "areas to amend" (a vote naming none stands for the assessors'
    flagged list), core requirements first, then in the framework's order. Refuses (Conflict)
    when those votes agree on none: the members change their votes."""
    lists = [parse_references(cycle, vote.areas) or list(flagged) for vote in votes]
    named = Counter(pk for listed in lists for pk in set(listed))
    agreed = {pk for pk, count in named.items() if count * 2 >= len(lists)}
    if not agreed:
        raise Conflict(
            _("The votes for areas to amend agree on no requirement: name at least one that half of them name.")
        )
    requirements = Requirement.objects.filter(pk__in=agreed).order_by("position")
    return [r.pk for r in sorted(requirements, key=lambda r: not r.core)]


def decision_record(*, decision: Decision, outcome: str, today: date) -> tuple[Decision, list[Any]]:
    """Take the decision: its row records the outcome, the dossier it refers to (by its hash), the
    recommendation, the winning votes' conditions and, for "areas to amend", the areas the votes
    agreed on (`agreed_areas`) and the date to resubmit by.

    Returns the decision and its areas to amend (requirement ids, core first).
    """
    cycle = decision.cycle
    # Votes cast earlier may name an outcome the cycle no longer allows (the award was suspended
    # since): the members change their votes first.
    refusal = selectors.outcome_refusal(cycle, outcome, today)
    if refusal is not None:
        raise Conflict(refusal)
    dossier = latest_dossier(cycle)
    recommendation = selectors.recommendation_for(cycle, today)
    winning = list(decision.votes.filter(outcome=outcome).order_by("created_at"))
    conditions = list(dict.fromkeys(line for vote in winning for line in _lines(vote.conditions)))
    areas: list[Any] = []
    resubmit_by = None
    if outcome == Outcome.AREAS_TO_AMEND:
        areas = agreed_areas(cycle, winning, flagged=recommendation.flagged_requirement_ids)
        # The same window the cycles app gives the reopened cycle: the programme's current one.
        resubmit_by = add_months(today, current_programme_settings_or(cycle).resubmission_window_months)
    decision = DECISION_LIFECYCLE.apply(
        decision,
        "take",
        data={"outcome": outcome, "votes": dict(Counter(decision.votes.values_list("outcome", flat=True)))},
        changes={
            "outcome": outcome,
            "decided_on": today,
            "dossier_sha256": dossier.sha256 if dossier is not None else "",
            "recommended_outcome": recommendation.outcome,
            "conditions": conditions,
            "resubmit_by": resubmit_by,
        },
    )
    if areas:
        decision.areas_to_amend.set(areas)
    return decision, areas


# ----------------------------------------------------------------------------- corrective actions


def _require_office(actor: Any) -> None:
    if not can_manage_actions(actor):
        raise NotPermitted(_("Only the programme office records corrective actions."))


@transaction.atomic
def action_add(*, decision: Decision, actor: Any, description: str, owner: str, due_on: date) -> CorrectiveAction:
    _require_office(actor)
    if decision.status != DecisionStatus.DECIDED:
        raise Conflict(_("Corrective actions belong to a decision that has been taken."))
    errors = {}
    if not description.strip():
        errors["description"] = _("Describe the corrective action.")
    if not owner.strip():
        errors["owner"] = _("Name who at the facility owns it.")
    if decision.decided_on and due_on < decision.decided_on:
        errors["due_on"] = _("The due date cannot be before the decision.")
    if errors:
        raise ValidationError(errors)
    action = CorrectiveAction.objects.create(
        decision=decision, description=description.strip(), owner=owner.strip(), due_on=due_on
    )
    record_event(obj=action, action="add", actor=actor, to_state=action.status)
    return action


def action_verify(*, action: CorrectiveAction, actor: Any, note: str) -> CorrectiveAction:
    return ACTION_LIFECYCLE.apply(
        action,
        "verify",
        actor=actor,
        reason=note,
        changes={"verified_by": actor, "verified_at": timezone.now(), "verification_note": note.strip()},
    )


# ----------------------------------------------------------------------------- appeals


def appeal_deadline(decision: Decision) -> date | None:
    if decision.decided_on is None:
        return None
    return decision.decided_on + timedelta(days=programme_settings_for(decision.cycle).appeal_window_days)


def appeal_refusal(decision: Decision, today: date | None = None) -> str | None:
    """Why no appeal can be lodged against the decision now, or None."""
    if decision.status != DecisionStatus.DECIDED:
        return _("Only a decision that stands can be appealed.")
    if decision.appeals.exists():
        return _("An appeal against this decision has already been lodged.")
    if decision.outcome == Outcome.AREAS_TO_AMEND:
        # Upholding would send back to the committee a cycle the facility has moved on: refuse now.
        latest = latest_dossier(decision.cycle)
        if latest is not None and decision.dossier_sha256 and latest.sha256 != decision.dossier_sha256:
            return _(
                "The facility has already resubmitted its application after this decision (dossier revision "
                "%(n)s), so the decision can no longer be appealed: the amended application is assessed instead."
            ) % {"n": latest.number}
    deadline = appeal_deadline(decision)
    if deadline is not None and _today(today) > deadline:
        return _("Appeals closed on %(date)s.") % {"date": date_format(deadline)}
    return None


@transaction.atomic
def appeal_lodge(
    *, decision: Decision, user: Any, grounds: str, document_ids: Iterable[Any] = (), today: date | None = None
) -> Appeal:
    if not can_lodge_appeal(user, decision):
        raise NotPermitted(_("Only the authorised representative can lodge an appeal."))
    decision = Decision.objects.select_for_update().select_related("cycle__framework").get(pk=decision.pk)
    refusal = appeal_refusal(decision, today)
    if refusal:
        raise Invalid(refusal)
    if not grounds.strip():
        raise Invalid(_("State the grounds of the appeal."), field="grounds")
    ids = list(document_ids)
    documents = list(EvidenceDocument.objects.filter(pk__in=ids, facility_id=decision.cycle.facility_id))
    if len(documents) != len(set(ids)):
        raise Invalid(_("Choose documents from your facility's evidence library."), field="documents")
    appeal = Appeal.objects.create(decision=decision, lodged_by=user, lodged_on=_today(today), grounds=grounds.strip())
    appeal.documents.set(documents)
    record_event(obj=appeal, action="lodge", actor=user, to_state=appeal.status)
    transaction.on_commit(partial(notifications.appeal_lodged, appeal))
    return appeal


@transaction.atomic
def appeal_decide(*, appeal: Appeal, member: Any, upheld: bool, reasons: str, today: date | None = None) -> Appeal:
    """Uphold (the decision is set aside, with the awards it granted) or dismiss.

    After an upheld appeal the committee decides again, without the members who voted: the
    cycle's move back to the committee is `iasios.cycles.committee.appeal_decide`'s. The panel's
    letter is mailed after the commit.
    """
    day = _today(today)
    appeal = APPEAL_LIFECYCLE.apply(
        appeal,
        "uphold" if upheld else "dismiss",
        actor=member,
        reason=reasons,
        changes={"heard_by": member, "decided_on": day, "reasons": reasons.strip()},
    )
    if upheld:
        decision = Decision.objects.get(pk=appeal.decision_id)
        why = set_aside_reason(reasons)
        DECISION_LIFECYCLE.apply(decision, "set_aside", reason=why)
        for award in Award.objects.filter(decision=decision, status__in=STANDING_AWARD_STATES):
            AWARD_LIFECYCLE.apply(
                award, "set_aside", reason=why, changes={"status_changed_on": day, "status_reason": why}
            )
    transaction.on_commit(partial(notifications.appeal_decided, appeal))
    return appeal


def set_aside_reason(reasons: str) -> str:
    """The reason written on what an upheld appeal sets aside (the decision, its award, the cycle's return)."""
    return _("Decision set aside on appeal: %(reasons)s") % {"reasons": reasons.strip()}


# ----------------------------------------------------------------------------- awards


@transaction.atomic
def award_grant(*, decision: Decision) -> Award:
    """The award of an accredited or centre-of-excellence decision.

    In a re-certification decided while the facility's current award runs, the new award starts
    the day after that one ends (no overlap, no gap): it is kept as not yet in force ("pending")
    and `award_sweep` brings it into force on its start date, superseding the current one.
    Otherwise it starts on the decision's date and supersedes any current award at once: at most
    one award is current and at most one is pending (database constraints back both).
    Its certificate and the mail that brings both are added on top (`iasios.cycles.committee.award_grant`).
    """
    if decision.outcome not in AWARDING_OUTCOMES or decision.decided_on is None:
        raise Conflict(_("Only an accredited or centre-of-excellence decision grants an award."))
    cycle = decision.cycle
    facility = cycle.facility
    decided_on = decision.decided_on
    reason = _("Superseded by the award of %(date)s.") % {"date": date_format(decided_on, "DATE_FORMAT")}
    standing = list(Award.objects.select_for_update().filter(facility=facility, status__in=STANDING_AWARD_STATES))
    running = next(
        (a for a in standing if a.status in CURRENT_AWARD_STATES and a.valid_until >= decided_on),
        None,
    )
    succeeds = cycle.kind == CycleKind.RECERTIFICATION and running is not None
    for previous in standing:
        # A pending award is replaced by this newer decision; a current one only when this award starts now.
        if previous.status == AwardStatus.PENDING or not succeeds:
            AWARD_LIFECYCLE.apply(previous, "supersede", reason=reason, changes={"status_changed_on": decided_on})
    starts = running.valid_until + timedelta(days=1) if succeeds and running is not None else decided_on
    validity = programme_settings_for(cycle).award_validity_months
    award = Award.objects.create(
        facility=facility,
        cycle=cycle,
        decision=decision,
        level=AwardLevel(decision.outcome),
        valid_from=starts,
        valid_until=add_months(starts, validity),
        status=AwardStatus.PENDING if succeeds else AwardStatus.VALID,
        status_changed_on=decided_on,
    )
    record_event(
        obj=award, action="grant", to_state=award.status, data={"level": award.level, "starts": starts.isoformat()}
    )
    return award


def _award_change(award: Award, name: str, actor: Any, reason: str, today: date | None) -> Award:
    return AWARD_LIFECYCLE.apply(
        award,
        name,
        actor=actor,
        reason=reason,
        changes={"status_changed_on": _today(today), "status_reason": reason.strip()},
    )


def award_suspend(*, award: Award, actor: Any, reason: str, today: date | None = None) -> Award:
    return _award_change(award, "suspend", actor, reason, today)


def award_reinstate(*, award: Award, actor: Any, reason: str, today: date | None = None) -> Award:
    return _award_change(award, "reinstate", actor, reason, today)


def award_withdraw(*, award: Award, actor: Any, reason: str, today: date | None = None) -> Award:
    return _award_change(award, "withdraw", actor, reason, today)


@dataclass
class AwardSweep:
    """What one run of `award_sweep` changed."""

    expired: list[Award] = field(default_factory=list)
    superseded: list[Award] = field(default_factory=list)
    started: list[Award] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            *(f"award {a.pk} expired" for a in self.expired),
            *(f"award {a.pk} superseded" for a in self.superseded),
            *(f"award {a.pk} in force" for a in self.started),
            f"awards: {len(self.expired)} expired, {len(self.superseded)} superseded, {len(self.started)} in force",
        ]


@transaction.atomic
def award_sweep(*, today: date | None = None) -> AwardSweep:
    """On `today`: every current award whose term has ended goes (superseded when the facility's
    next award starts now, else expired), then every pending award whose start has come is in
    force. Idempotent: a second run finds nothing to change.
    """
    day = _today(today)
    result = AwardSweep()
    starting = {
        a.facility_id: a
        for a in Award.objects.select_for_update().filter(status=AwardStatus.PENDING, valid_from__lte=day)
    }
    for award in Award.objects.select_for_update().filter(status__in=CURRENT_AWARD_STATES, valid_until__lt=day):
        successor = starting.get(award.facility_id)
        if successor is not None:
            result.superseded.append(
                AWARD_LIFECYCLE.apply(
                    award,
                    "supersede",
                    reason=_("The term ended on %(date)s; the next award is in force.")
                    % {"date": date_format(award.valid_until, "DATE_FORMAT")},
                    data=system_reason("term_ended_successor", date=award.valid_until),
                    changes={"status_changed_on": successor.valid_from},
                )
            )
        else:
            result.expired.append(
                AWARD_LIFECYCLE.apply(
                    award,
                    "expire",
                    reason=_("The term ended on %(date)s.") % {"date": date_format(award.valid_until, "DATE_FORMAT")},
                    data=system_reason("term_ended", date=award.valid_until),
                    changes={"status_changed_on": day},
                )
            )
    for award in starting.values():
        if Award.objects.filter(facility_id=award.facility_id, status__in=CURRENT_AWARD_STATES).exists():
            continue  # the current award still runs (it never ends before its successor starts)
        result.started.append(
            AWARD_LIFECYCLE.apply(
                award,
                "start",
                reason=_("The term began on %(date)s.") % {"date": date_format(award.valid_from, "DATE_FORMAT")},
                data=system_reason("term_began", date=award.valid_from),
                changes={"status_changed_on": award.valid_from},
            )
        )
        if award.valid_until < day:  # the sweep did not run for a whole term: it began and ended since
            result.expired.append(
                AWARD_LIFECYCLE.apply(
                    award,
                    "expire",
                    reason=_("The term ended on %(date)s.") % {"date": date_format(award.valid_until, "DATE_FORMAT")},
                    data=system_reason("term_ended", date=award.valid_until),
                    changes={"status_changed_on": award.valid_until + timedelta(days=1)},
                )
            )
    return result
