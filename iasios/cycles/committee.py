"""What the committee's decision does across the apps: to the cycle, the award and its certificate.

The decisions app keeps its own rows (votes, decision rounds, awards, appeals) and knows nothing
of the cycle's later states or of certificates; this module composes its services with the
cycle's transitions (`iasios.cycles.services`) and the certificates app:

- `vote_cast`: a member's vote; the vote that brings the round to its quorum with a majority
  takes the decision (`decision_take`).
- `decision_take`: the decision is recorded, the cycle is decided; an awarding outcome grants
  the award with its certificate; "areas to amend" reopens the cycle for those areas.
- `award_grant`: the award, its certificate, and the mail that brings both (a re-certification's
  award may start later, the day after the current one ends: its certificate is issued now,
  valid from that day).
- `appeal_decide`: the panel's finding; an upheld appeal sends the cycle back to the committee,
  where a new round opens without the members who voted.

Each runs in one transaction; the mails go out once it commits.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from iasios.certificates.services import certificate_issue
from iasios.core.documents import prepare_after_commit
from iasios.cycles.services import cycle_mark_decided, cycle_reconsider, cycle_reopen_for_amendment
from iasios.decisions import notifications
from iasios.decisions import services as decision_services
from iasios.decisions.models import AWARDING_OUTCOMES, Appeal, Award, Decision, Outcome, Vote
from iasios.decisions.tasks import appeal_letter_render, decision_letter_render


@transaction.atomic
def vote_cast(
    *,
    cycle: Any,
    member: Any,
    outcome: str,
    comment: str = "",
    conditions: str = "",
    areas: str = "",
    today: date | None = None,
) -> Vote:
    """Record (or change) a member's vote in the cycle's open round; take the decision when it is due.

    The outcome must be one the cycle allows (`decisions.selectors.allowed_outcomes`); the service
    refuses the others with the reason, on the field "outcome".
    """
    today = today or timezone.localdate()
    vote = decision_services.vote_record(
        cycle=cycle, member=member, outcome=outcome, comment=comment, conditions=conditions, areas=areas, today=today
    )
    decided = decision_services.round_outcome(vote.decision)
    if decided is not None:
        decision_take(decision=vote.decision, outcome=decided, today=today)
    return vote


def decision_take(*, decision: Decision, outcome: str, today: date) -> Decision:
    """Take the decision and what follows from it for the cycle and the facility's award."""
    decision, areas = decision_services.decision_record(decision=decision, outcome=outcome, today=today)
    cycle = decision.cycle
    cycle_mark_decided(cycle=cycle, actor=None)
    if outcome in AWARDING_OUTCOMES:
        award_grant(decision=decision)
    if outcome == Outcome.AREAS_TO_AMEND:
        cycle_reopen_for_amendment(cycle=cycle, requirement_ids=areas, actor=None)
    transaction.on_commit(partial(notifications.decision_taken, decision))
    prepare_after_commit(decision_letter_render.enqueue, str(decision.pk))
    return decision


@transaction.atomic
def award_grant(*, decision: Decision) -> Award:
    """The award of an accredited or centre-of-excellence decision, with its certificate; the
    facility hears of both once the transaction commits."""
    award = decision_services.award_grant(decision=decision)
    certificate = certificate_issue(award=award)
    transaction.on_commit(partial(notifications.award_granted, award, certificate))
    return award


@transaction.atomic
def appeal_decide(*, appeal: Appeal, member: Any, upheld: bool, reasons: str, today: date | None = None) -> Appeal:
    """Uphold (the decision is set aside and the committee decides again without its voters) or dismiss."""
    appeal = decision_services.appeal_decide(appeal=appeal, member=member, upheld=upheld, reasons=reasons, today=today)
    if upheld:
        decision = Decision.objects.select_related("cycle").get(pk=appeal.decision_id)
        cycle_reconsider(cycle=decision.cycle, actor=member, reason=decision_services.set_aside_reason(reasons))
        decision_services.decision_round_open(cycle=decision.cycle)
    prepare_after_commit(appeal_letter_render.enqueue, str(appeal.pk))
    return appeal
