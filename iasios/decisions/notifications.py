"""E-mails of the decisions app: to the facility's authorised representative and contact person."""

from __future__ import annotations

from typing import Any

from iasios.accounts.roles import FACILITY_MANAGER_ROLES
from iasios.core.mail import send_templated_mail
from iasios.facilities.models import Facility, Membership

PREFIX = "decisions/email/"


def facility_recipients(facility: Facility) -> list[str]:
    return list(
        Membership.objects.filter(facility=facility, role__in=FACILITY_MANAGER_ROLES).values_list(
            "user__email", flat=True
        )
    )


def decision_taken(decision: Any) -> None:
    facility = decision.cycle.facility
    send_templated_mail(
        PREFIX + "decision_taken", facility_recipients(facility), {"decision": decision, "facility": facility}
    )


def appeal_decided(appeal: Any) -> None:
    facility = appeal.decision.cycle.facility
    context = {"appeal": appeal, "facility": facility}
    send_templated_mail(PREFIX + "appeal_decided", facility_recipients(facility), context)


def award_status_changed(award: Any) -> None:
    send_templated_mail(
        PREFIX + "award_status", facility_recipients(award.facility), {"award": award, "facility": award.facility}
    )
