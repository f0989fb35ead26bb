"""E-mails of the decisions app: to the facility's authorised representative and contact person;
a lodged appeal to the programme office and the committee members who may hear it.

Callers send them once their transaction commits (`transaction.on_commit` or a transition's effect).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from iasios.accounts.models import User
from iasios.accounts.roles import FACILITY_MANAGER_ROLES, ProgrammeRoleName
from iasios.decisions.access import voter_ids
from iasios.facilities.models import Facility, Membership
from iasios.notifications.mail import send_templated_mail
from iasios.notifications.selectors import programme_emails

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


def appeal_lodged(appeal: Any) -> None:
    """To the office and the committee members who may hear it (those who did not vote on the decision)."""
    decision = appeal.decision
    hearers = (
        User.objects.filter(programme_role_set__role=ProgrammeRoleName.COMMITTEE, is_active=True)
        .exclude(pk__in=voter_ids(decision))
        .values_list("email", flat=True)
    )
    path = reverse("decisions:appeal", args=[appeal.pk])
    send_templated_mail(
        PREFIX + "appeal_lodged",
        [*programme_emails(), *hearers],
        {
            "appeal": appeal,
            "decision": decision,
            "facility": decision.cycle.facility,
            "url": settings.SITE_URL + path,
        },
        link=path,
    )


def appeal_panel_appointed(appeal: Any, members: list[Any]) -> None:
    """To the members the office appointed: the hearing page, where they record the finding."""
    decision = appeal.decision
    path = reverse("committee:appeal", args=[appeal.pk])
    send_templated_mail(
        PREFIX + "appeal_panel",
        [member.email for member in members],
        {
            "appeal": appeal,
            "decision": decision,
            "facility": decision.cycle.facility,
            "names": ", ".join(str(member) for member in members),
            "url": settings.SITE_URL + path,
        },
        link=path,
    )


def award_granted(award: Any, certificate: Any) -> None:
    """The award and its certificate: the award page, the certificate PDF and the public verification."""
    path = reverse("decisions:award", args=[award.pk])
    send_templated_mail(
        PREFIX + "award_granted",
        facility_recipients(award.facility),
        {
            "award": award,
            "certificate": certificate,
            "facility": award.facility,
            "url": settings.SITE_URL + path,
            "certificate_url": settings.SITE_URL + reverse("certificates:pdf", args=[award.pk]),
            "verify_url": certificate.verify_url,
        },
        link=path,
    )
