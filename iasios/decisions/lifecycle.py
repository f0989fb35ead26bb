"""The lifecycles of this app, each a table of transitions (core.statemachine).

Decision: voting → decided (system, when a quorum agrees) → set_aside (system, upheld appeal).
Corrective action: open → verified (office, with a note).
Appeal: lodged → upheld | dismissed (a committee member who took no part in the decision).
Award: valid ⇄ suspended (office, with a reason); pending | valid | suspended → withdrawn (office,
reason); valid | suspended → expired (system, past the end); valid | suspended → superseded
(system, when the facility's next award comes into force); pending → valid (system, on its start
date: a re-certification's award waits for the current one to end).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from iasios.core.statemachine import StateMachine, Transition, system_only
from iasios.decisions.access import can_hear_appeal, can_manage_award
from iasios.decisions.models import (
    ActionStatus,
    Appeal,
    AppealStatus,
    Award,
    AwardStatus,
    CorrectiveAction,
    Decision,
    DecisionStatus,
)
from iasios.decisions.notifications import award_status_changed
from iasios.facilities.access import is_office


def _office(user: Any, obj: Any) -> bool:
    return user is not None and is_office(user)


def _award_office(user: Any, award: Any) -> bool:
    return user is not None and can_manage_award(user)


def _hearer(user: Any, appeal: Any) -> bool:
    return user is not None and can_hear_appeal(user, appeal)


def _notify_award_change(award: Any, actor: Any) -> None:
    award_status_changed(award)


DECISION_LIFECYCLE: StateMachine[Decision] = StateMachine(
    model=Decision,
    transitions=[
        Transition(
            "take", {DecisionStatus.VOTING}, DecisionStatus.DECIDED, who=system_only, label=_("take the decision")
        ),
        Transition(
            "set_aside",
            {DecisionStatus.DECIDED},
            DecisionStatus.SET_ASIDE,
            who=system_only,
            label=pgettext_lazy("action", "set aside"),
        ),
    ],
)

ACTION_LIFECYCLE: StateMachine[CorrectiveAction] = StateMachine(
    model=CorrectiveAction,
    transitions=[
        Transition(
            "verify", {ActionStatus.OPEN}, ActionStatus.VERIFIED, who=_office, needs_reason=True, label=_("verify")
        ),
    ],
)

APPEAL_LIFECYCLE: StateMachine[Appeal] = StateMachine(
    model=Appeal,
    transitions=[
        Transition("uphold", {AppealStatus.LODGED}, AppealStatus.UPHELD, who=_hearer, needs_reason=True),
        Transition("dismiss", {AppealStatus.LODGED}, AppealStatus.DISMISSED, who=_hearer, needs_reason=True),
    ],
)

_CURRENT = {AwardStatus.VALID, AwardStatus.SUSPENDED}
_STANDING = {*_CURRENT, AwardStatus.PENDING}

AWARD_LIFECYCLE: StateMachine[Award] = StateMachine(
    model=Award,
    transitions=[
        Transition(
            "suspend",
            {AwardStatus.VALID},
            AwardStatus.SUSPENDED,
            who=_award_office,
            needs_reason=True,
            label=_("suspend"),
            effects=(_notify_award_change,),
        ),
        Transition(
            "reinstate",
            {AwardStatus.SUSPENDED},
            AwardStatus.VALID,
            who=_award_office,
            needs_reason=True,
            label=_("reinstate"),
            effects=(_notify_award_change,),
        ),
        Transition(
            "withdraw",
            _STANDING,
            AwardStatus.WITHDRAWN,
            who=_award_office,
            needs_reason=True,
            label=_("withdraw"),
            effects=(_notify_award_change,),
        ),
        Transition("expire", _CURRENT, AwardStatus.EXPIRED, who=system_only, label=_("expire")),
        Transition("supersede", _STANDING, AwardStatus.SUPERSEDED, who=system_only, label=_("supersede")),
        Transition("start", {AwardStatus.PENDING}, AwardStatus.VALID, who=system_only, label=_("come into force")),
        # An award granted by a decision later set aside on appeal: the system withdraws it.
        Transition("set_aside", _STANDING, AwardStatus.WITHDRAWN, who=system_only, label=_("withdraw on appeal")),
    ],
)
