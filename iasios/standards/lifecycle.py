"""The lifecycle of a framework version: draft → current → superseded (and back to current).

A loaded version starts as a draft. Activating it makes it the version new applications pin;
the version that was current is superseded in the same transaction. Activating a superseded
version again is how the office rolls back. Only the programme office, an administrator or the
system (a management command, actor None) may take these steps.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from iasios.accounts.roles import ProgrammeRoleName
from iasios.core.statemachine import StateMachine, Transition
from iasios.standards.models import FrameworkStatus, FrameworkVersion


def may_manage_frameworks(user: Any, obj: Any = None) -> bool:
    """The system (None), the programme office or an administrator."""
    if user is None:
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_programme_role(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)
    )


FRAMEWORK_LIFECYCLE: StateMachine[FrameworkVersion] = StateMachine(
    model=FrameworkVersion,
    field="status",
    transitions=[
        Transition(
            "activate",
            {FrameworkStatus.DRAFT, FrameworkStatus.SUPERSEDED},
            FrameworkStatus.CURRENT,
            who=may_manage_frameworks,
            label=_("Make current"),
        ),
        Transition(
            "supersede",
            {FrameworkStatus.CURRENT},
            FrameworkStatus.SUPERSEDED,
            who=may_manage_frameworks,
            label=_("Supersede"),
        ),
    ],
)
