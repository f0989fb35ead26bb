"""The facility lifecycle, from registration to Enrolled Centre and back to lapsed.

    pending_activation ─activate→ registered ─confirm→ awaiting_payment ─enrol→ enrolled
            └──────────reject────────┘                                  lapsed ⇄ enrolled
                                                                   (lapse / restore)

Activation is the registrant's; confirm and reject are the office's; enrol, lapse and restore
follow payments and sweeps (billing), run by the system or by the office recording a payment.

A join request has a lifecycle of its own: pending ─approve→ approved, pending ─decline→
declined, both answered by the facility's authorised representative, a contact person or the
office. Pages draw their buttons from `available()`; the services take the same transitions.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from iasios.core.statemachine import StateMachine, Transition
from iasios.facilities import notifications
from iasios.facilities.access import can_manage_team, is_office
from iasios.facilities.models import JOINABLE_STATES, Facility, FacilityStatus, JoinRequest, JoinRequestStatus


def _registrant(user: Any, facility: Facility) -> bool:
    return user is not None and facility.registered_by_id is not None and user.pk == facility.registered_by_id


def _office(user: Any, facility: Facility) -> bool:
    return is_office(user)


def _system_or_office(user: Any, facility: Facility) -> bool:
    return user is None or is_office(user)


def _mail_rejected(facility: Facility, actor: Any) -> None:
    notifications.registration_rejected(facility)


def _mail_enrolled(facility: Facility, actor: Any) -> None:
    notifications.facility_enrolled(facility)


def _mail_lapsed(facility: Facility, actor: Any) -> None:
    notifications.facility_lapsed(facility)


def _mail_restored(facility: Facility, actor: Any) -> None:
    notifications.facility_restored(facility)


def _mail_confirmed(facility: Facility, actor: Any) -> None:
    notifications.registration_confirmed(facility)


FACILITY_LIFECYCLE: StateMachine[Facility] = StateMachine(
    model=Facility,
    field="status",
    transitions=[
        Transition(
            "activate",
            {FacilityStatus.PENDING_ACTIVATION},
            FacilityStatus.REGISTERED,
            who=_registrant,
            label=str(_("Activate")),
        ),
        Transition(
            "confirm",
            {FacilityStatus.REGISTERED},
            FacilityStatus.AWAITING_PAYMENT,
            who=_office,
            label=str(_("Confirm registration")),
            effects=(_mail_confirmed,),
        ),
        Transition(
            "reject",
            {FacilityStatus.PENDING_ACTIVATION, FacilityStatus.REGISTERED},
            FacilityStatus.REJECTED,
            who=_office,
            needs_reason=True,
            label=str(_("Reject registration")),
            effects=(_mail_rejected,),
        ),
        Transition(
            "enrol",
            {FacilityStatus.AWAITING_PAYMENT},
            FacilityStatus.ENROLLED,
            who=_system_or_office,
            label=str(_("Enrol")),
            effects=(_mail_enrolled,),
        ),
        Transition(
            "lapse",
            {FacilityStatus.ENROLLED},
            FacilityStatus.LAPSED,
            who=_system_or_office,
            needs_reason=True,
            label=str(_("Lapse membership")),
            effects=(_mail_lapsed,),
        ),
        Transition(
            "restore",
            {FacilityStatus.LAPSED},
            FacilityStatus.ENROLLED,
            who=_system_or_office,
            label=str(_("Restore membership")),
            effects=(_mail_restored,),
        ),
    ],
)


def may(transition: str, user: Any, facility: Facility) -> bool:
    """Whether `user` is among those who may take `transition` (its `who`), whatever the state."""
    return FACILITY_LIFECYCLE[transition].who(user, facility)


# --- join requests --------------------------------------------------------------------------


def _team_manager(user: Any, join_request: JoinRequest) -> bool:
    return can_manage_team(user, join_request.facility)


def _facility_takes_staff(join_request: JoinRequest) -> str | None:
    facility = join_request.facility
    if facility.status not in JOINABLE_STATES:
        return str(_("%(facility)s cannot take new staff in its current state.") % {"facility": facility.name})
    return None


def _mail_join_decided(join_request: JoinRequest, actor: Any) -> None:
    notifications.join_decided(join_request)


JOIN_REQUEST_LIFECYCLE: StateMachine[JoinRequest] = StateMachine(
    model=JoinRequest,
    field="status",
    transitions=[
        Transition(
            "approve",
            {JoinRequestStatus.PENDING},
            JoinRequestStatus.APPROVED,
            who=_team_manager,
            guard=_facility_takes_staff,
            label=str(_("Approve")),
            effects=(_mail_join_decided,),
        ),
        Transition(
            "decline",
            {JoinRequestStatus.PENDING},
            JoinRequestStatus.DECLINED,
            who=_team_manager,
            label=str(_("Decline")),
            effects=(_mail_join_decided,),
        ),
    ],
)
