"""E-mails of the applications app: a submission (to the facility's authorised representative and
contact person, and the programme office) and a return by the office (to the facility, with the
reasons). Templates live in templates/applications/email/."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from iasios.applications.models import Cycle, Dossier
from iasios.facilities.selectors import manager_emails
from iasios.notifications.mail import send_templated_mail
from iasios.notifications.selectors import programme_emails

PREFIX = "applications/email/"


def _context(cycle: Cycle, path: str) -> dict[str, Any]:
    return {"cycle": cycle, "facility": cycle.facility, "url": settings.SITE_URL + path}


def cycle_submitted(cycle: Cycle, dossier: Dossier) -> None:
    path = reverse("applications:dossier", args=[cycle.pk])
    send_templated_mail(
        PREFIX + "submitted",
        [*manager_emails(cycle.facility), *programme_emails()],
        {**_context(cycle, path), "dossier": dossier},
        link=path,
    )


def cycle_returned(cycle: Cycle, reason: str) -> None:
    path = reverse("applications:workspace", args=[cycle.pk])
    send_templated_mail(
        PREFIX + "returned",
        manager_emails(cycle.facility),
        {**_context(cycle, path), "reason": reason},
        link=path,
    )
