"""The e-mails of this app: who receives which message. Templates live in templates/facilities/email/."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from iasios.accounts.roles import ProgrammeRoleName
from iasios.accounts.selectors import programme_role_emails
from iasios.facilities.models import Facility, Invitation, JoinRequest, JoinRequestStatus
from iasios.facilities.selectors import manager_emails
from iasios.notifications.mail import send_templated_mail

PREFIX = "facilities/email/"


def _url(name: str, *args: Any) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def _facility_context(facility: Facility) -> dict[str, Any]:
    return {"facility": facility, "facility_url": _url("facilities:dashboard", facility.pk)}


def activation(facility: Facility, user: Any, token: str) -> None:
    send_templated_mail(
        PREFIX + "activation",
        [user.email],
        {**_facility_context(facility), "user": user, "activation_url": _url("facilities:activate", token)},
    )


def activated(facility: Facility, user: Any) -> None:
    send_templated_mail(
        PREFIX + "activated",
        [user.email],
        {**_facility_context(facility), "user": user},
        link=reverse("facilities:dashboard", args=[facility.pk]),
    )


def registration_awaits_confirmation(facility: Facility) -> None:
    """The office is told: an activated registration waits for its confirmation (or rejection)."""
    office_page = reverse("office_facilities:detail", args=[facility.pk])
    send_templated_mail(
        PREFIX + "registration_to_confirm",
        programme_role_emails(ProgrammeRoleName.OFFICE),
        {**_facility_context(facility), "office_url": settings.SITE_URL + office_page},
        link=office_page,
    )


def invitation(invitation: Invitation) -> None:
    send_templated_mail(
        PREFIX + "invitation",
        [invitation.email],
        {
            **_facility_context(invitation.facility),
            "invitation": invitation,
            "signup_url": settings.SITE_URL + reverse("account_signup"),
            "login_url": settings.SITE_URL + reverse("account_login"),
        },
    )


def join_requested(join_request: JoinRequest) -> None:
    send_templated_mail(
        PREFIX + "join_requested",
        manager_emails(join_request.facility),
        {**_facility_context(join_request.facility), "join_request": join_request},
    )


def join_decided(join_request: JoinRequest) -> None:
    send_templated_mail(
        PREFIX + "join_decided",
        [join_request.user.email],
        {
            **_facility_context(join_request.facility),
            "join_request": join_request,
            "approved": join_request.status == JoinRequestStatus.APPROVED,
        },
    )


def representative_changed(facility: Facility, new_holder: Any) -> None:
    send_templated_mail(
        PREFIX + "representative_changed",
        manager_emails(facility),
        {**_facility_context(facility), "new_holder": new_holder},
    )


def registration_confirmed(facility: Facility) -> None:
    send_templated_mail(PREFIX + "confirmed", manager_emails(facility), _facility_context(facility))


def registration_rejected(facility: Facility) -> None:
    from iasios.core.events import timeline

    event = timeline(facility).filter(action="reject").first()
    recipients = [facility.registered_by.email] if facility.registered_by else []
    send_templated_mail(
        PREFIX + "rejected",
        recipients + manager_emails(facility),
        {**_facility_context(facility), "reason": event.reason if event else ""},
    )


def facility_enrolled(facility: Facility) -> None:
    send_templated_mail(PREFIX + "enrolled", manager_emails(facility), _facility_context(facility))


def facility_lapsed(facility: Facility) -> None:
    from iasios.core.events import timeline

    event = timeline(facility).filter(action="lapse").first()
    send_templated_mail(
        PREFIX + "lapsed",
        manager_emails(facility),
        {**_facility_context(facility), "reason": event.reason if event else ""},
    )


def facility_restored(facility: Facility) -> None:
    send_templated_mail(PREFIX + "restored", manager_emails(facility), _facility_context(facility))
