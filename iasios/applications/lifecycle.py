"""The cycle lifecycle: draft → submitted, through the one transition function.

The assessment and decision apps add their transitions to this table as they arrive.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from iasios.applications.access import can_submit_cycle
from iasios.applications.models import Cycle, CycleStatus
from iasios.core.statemachine import StateMachine, Transition


def _nothing_blocks(cycle: Cycle) -> str | None:
    from iasios.applications.selectors import cycle_blockers

    blockers = cycle_blockers(cycle)
    if not blockers:
        return None
    return _("The application cannot be submitted yet: %(list)s") % {"list": " ".join(b.message for b in blockers)}


def _representative(user: Any, cycle: Cycle) -> bool:
    return user is not None and can_submit_cycle(user, cycle)


CYCLE_LIFECYCLE: StateMachine[Cycle] = StateMachine(
    model=Cycle,
    field="status",
    transitions=[
        Transition(
            "submit",
            {CycleStatus.DRAFT},
            CycleStatus.SUBMITTED,
            who=_representative,
            guard=_nothing_blocks,
            label="submit the application",
        ),
    ],
)
