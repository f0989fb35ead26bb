"""The cycle lifecycle (docs/cycle-lifecycle.md), through the one transition function.

    draft ─submit→ submitted ─start_assessment→ in_assessment ─send_to_committee→ with_committee
    submitted ─return→ returned ─submit→ submitted
    with_committee ─decide→ decided ─reopen_for_amendment→ amending ─submit→ submitted
    decided / amending ─reconsider→ with_committee (an upheld appeal; closes an open amendment round)
    amending ─close_amendment→ decided (the resubmission window passed; the decision stands)

Each transition's `who` and source states are the one rule of who may take it: the services in
services.py take it, the pages draw their buttons from `CYCLE_LIFECYCLE.available(cycle, user)`.
The guards ask the apps below directly: the case review (casereview), the recommendation
(assessment).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from iasios.accounts.roles import APPEAL_PANEL_ROLES, ProgrammeRoleName
from iasios.applications.access import can_submit_cycle
from iasios.applications.models import Cycle, CycleStatus
from iasios.applications.selectors import amendment_overdue
from iasios.assessment import selectors as assessment_selectors
from iasios.core.statemachine import StateMachine, Transition
from iasios.cycles.selectors import cycle_blockers
from iasios.facilities.access import is_office


def _nothing_blocks(cycle: Cycle) -> str | None:
    blockers = cycle_blockers(cycle)
    if not blockers:
        return None
    return _("The application cannot be submitted yet: %(list)s") % {"list": " ".join(b.message for b in blockers)}


def _representative(user: Any, cycle: Cycle) -> bool:
    return user is not None and can_submit_cycle(user, cycle)


def _office(user: Any, cycle: Cycle) -> bool:
    return user is not None and is_office(user)


def _system_appeal_hearer_or_office(user: Any, cycle: Cycle) -> bool:
    """An upheld appeal sends the cycle back: as the system, the member who heard it (a committee
    member or a member for appeals only on its panel) or the office."""
    if user is None:
        return True
    return is_office(user) or bool(
        getattr(user, "is_authenticated", False) and user.has_programme_role(*APPEAL_PANEL_ROLES)
    )


def _system_committee_or_office(user: Any, cycle: Cycle) -> bool:
    """The decisions app records the committee's decision: as the system, a member or the office."""
    if user is None:
        return True
    return is_office(user) or bool(
        getattr(user, "is_authenticated", False) and user.has_programme_role(ProgrammeRoleName.COMMITTEE)
    )


def _system_or_office(user: Any, cycle: Cycle) -> bool:
    return user is None or is_office(user)


def _recommendation_ready(cycle: Cycle) -> str | None:
    if assessment_selectors.recommendation_ready(cycle):
        return None
    return _("The assessors' recommendation is not ready yet: every requirement needs a consolidated rating.")


def _no_other_open_cycle(cycle: Cycle) -> str | None:
    """A decided cycle is closed; reopening it must not make a second open cycle of the facility."""
    if Cycle.objects.open().filter(facility_id=cycle.facility_id).exclude(pk=cycle.pk).exists():
        return _("The facility has another open application; this one cannot be reopened while it is open.")
    return None


def _resubmission_window_passed(cycle: Cycle) -> str | None:
    if amendment_overdue(cycle):
        return None
    return _("The resubmission window is still open; the amendment round can be closed once it has passed.")


# The office's hand-overs, offered as buttons on the workspace.
OFFICE_ACTION_NAMES = ("return", "start_assessment", "send_to_committee", "close_amendment")


CYCLE_LIFECYCLE: StateMachine[Cycle] = StateMachine(
    model=Cycle,
    field="status",
    transitions=[
        Transition(
            "submit",
            {CycleStatus.DRAFT, CycleStatus.RETURNED, CycleStatus.AMENDING},
            CycleStatus.SUBMITTED,
            who=_representative,
            guard=_nothing_blocks,
            label=gettext_lazy("submit the application"),
        ),
        Transition(
            "return",
            {CycleStatus.SUBMITTED},
            CycleStatus.RETURNED,
            who=_office,
            needs_reason=True,
            label=gettext_lazy("return the application to the facility"),
        ),
        Transition(
            "start_assessment",
            {CycleStatus.SUBMITTED},
            CycleStatus.IN_ASSESSMENT,
            who=_office,
            label=gettext_lazy("start the assessment"),
        ),
        Transition(
            "send_to_committee",
            {CycleStatus.IN_ASSESSMENT},
            CycleStatus.WITH_COMMITTEE,
            who=_office,
            guard=_recommendation_ready,
            label=gettext_lazy("send the application to the committee"),
        ),
        Transition(
            "decide",
            {CycleStatus.WITH_COMMITTEE},
            CycleStatus.DECIDED,
            who=_system_committee_or_office,
            label=gettext_lazy("record the committee's decision"),
        ),
        Transition(
            "reopen_for_amendment",
            {CycleStatus.DECIDED},
            CycleStatus.AMENDING,
            who=_system_appeal_hearer_or_office,
            guard=_no_other_open_cycle,
            label=gettext_lazy("reopen the application for amendment"),
        ),
        Transition(
            # An upheld appeal against any decision, "areas to amend" included (the cycle is then amending).
            "reconsider",
            {CycleStatus.DECIDED, CycleStatus.AMENDING},
            CycleStatus.WITH_COMMITTEE,
            who=_system_appeal_hearer_or_office,
            guard=_no_other_open_cycle,
            needs_reason=True,
            label=gettext_lazy("send the application back to the committee"),
        ),
        Transition(
            "close_amendment",
            {CycleStatus.AMENDING},
            CycleStatus.DECIDED,
            who=_system_or_office,
            guard=_resubmission_window_passed,
            label=gettext_lazy("close the amendment round"),
        ),
    ],
)


def may_take(name: str, cycle: Cycle, user: Any) -> bool:
    """Is `name` offered to `user` now (state, who and guard)? The pages' buttons ask this."""
    return any(t.name == name for t in CYCLE_LIFECYCLE.available(cycle, user))
