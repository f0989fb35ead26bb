"""Writes of the notifications app: mail dispatch with inbox rows, reading, preferences."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from iasios.accounts.models import User
from iasios.core.mail import RenderedMail, mail_language, render_mail
from iasios.notifications.kinds import kind_for, optional_kinds
from iasios.notifications.models import Notification, NotificationOptOut
from iasios.notifications.tasks import deliver_email

_URL = re.compile(r"https?://\S+")


def _inbox_link(link: str | None, context: dict[str, Any], text: str) -> str:
    """The page a notification is about, as a path when it is on this site."""
    candidate = link or context.get("link") or context.get("url")
    if not candidate:
        candidate = next((u for u in _URL.findall(text) if u.startswith(settings.SITE_URL + "/")), "")
    if not candidate:
        candidate = context.get("facility_url") or ""
    candidate = str(candidate)
    if candidate.startswith(settings.SITE_URL + "/"):
        return candidate[len(settings.SITE_URL) :]
    if candidate.startswith(("/", "https://", "http://")) and not candidate.startswith("//"):
        return candidate[:500]
    return ""


def _enqueue(rendered: RenderedMail, to: list[str]) -> None:
    deliver_email.enqueue(
        subject=rendered.full_subject,
        text=rendered.text,
        html=rendered.html,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
    )


def mail_dispatch(*, template_prefix: str, to: Iterable[str], context: dict[str, Any], link: str | None = None) -> None:
    """Schedule the message for after the caller's transaction commits: the rendering, the inbox
    rows and the delivery all happen then, so a rolled-back transaction leaves no trace. Outside a
    transaction it happens at once. A template error is raised when the callback runs.
    """
    addresses = list(dict.fromkeys(address.strip() for address in to if address and address.strip()))
    if not addresses:
        return
    # Robust: a mail that fails to render is logged and does not stop the other mails of the commit.
    context = dict(context)

    def dispatch() -> None:
        _dispatch_now(template_prefix, addresses, context, link)

    transaction.on_commit(dispatch, robust=True)


def _dispatch_now(template_prefix: str, addresses: list[str], context: dict[str, Any], link: str | None) -> None:
    """Render once per recipient language, write the inbox rows and enqueue the deliveries.

    Recipients with an account get their language and their inbox row; an optional kind they
    switched off is not e-mailed to them. Addresses without an account get the language of the
    facility the mail is about (`context["facility"]`), else the site's.
    """
    kind = kind_for(template_prefix)
    users = {user.email.lower(): user for user in User.objects.filter(email__in=[a.lower() for a in addresses])}
    opted_out: set[Any] = set()
    if not kind.mandatory and users:
        opted_out = set(
            NotificationOptOut.objects.filter(user__in=users.values(), kind=template_prefix).values_list(
                "user_id", flat=True
            )
        )

    # An address without an account (a facility's billing address, a contact not signed up yet)
    # gets the facility's language when the mail is about one, else the site's.
    facility_language = getattr(context.get("facility"), "language", None)
    by_language: dict[str, list[str]] = {}
    for address in addresses:
        user = users.get(address.lower())
        by_language.setdefault(mail_language(user.language if user else facility_language), []).append(address)

    rows: list[Notification] = []
    deliveries: list[tuple[RenderedMail, list[str]]] = []
    for language, group in by_language.items():
        rendered = render_mail(template_prefix, context, language)
        mail_to = []
        for address in group:
            user = users.get(address.lower())
            emailed = user is None or user.pk not in opted_out
            if emailed:
                mail_to.append(address)
            if user is not None and kind.inbox:
                rows.append(
                    Notification(
                        user=user,
                        kind=template_prefix,
                        subject=rendered.subject[:300],
                        body=rendered.text.strip(),
                        link=_inbox_link(link, context, rendered.text),
                        emailed=emailed,
                    )
                )
        if mail_to:
            deliveries.append((rendered, sorted(mail_to)))
    # Everything is rendered before anything is written: a template error leaves no half-sent mail.
    with transaction.atomic():
        Notification.objects.bulk_create(rows)
        for rendered, mail_to in deliveries:
            _enqueue(rendered, mail_to)


def notification_mark_read(*, notification: Notification, now: datetime | None = None) -> Notification:
    if notification.read_at is None:
        notification.read_at = now or timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, user: Any, now: datetime | None = None) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=now or timezone.now())


def preferences_save(*, user: Any, emailed_kinds: Iterable[str]) -> None:
    """Keep e-mails of the optional kinds in `emailed_kinds`; switch the other optional ones off."""
    wanted = set(emailed_kinds)
    optional = {kind.prefix for kind in optional_kinds()}
    off = optional - wanted
    with transaction.atomic():
        NotificationOptOut.objects.filter(user=user).exclude(kind__in=off).delete()
        existing = set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
        NotificationOptOut.objects.bulk_create(
            [NotificationOptOut(user=user, kind=kind) for kind in sorted(off - existing)]
        )
