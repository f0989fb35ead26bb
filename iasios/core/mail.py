"""E-mails from templates, sent only once the surrounding transaction has committed.

Each message is three templates: `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string


def render_templated_mail(template_prefix: str, to: Iterable[str], context: dict[str, Any]) -> EmailMultiAlternatives:
    ctx = {"site_url": settings.SITE_URL, **context}
    subject = " ".join(render_to_string(f"{template_prefix}_subject.txt", ctx).split())
    subject_prefix = getattr(settings, "ACCOUNT_EMAIL_SUBJECT_PREFIX", "")
    message = EmailMultiAlternatives(
        subject=f"{subject_prefix}{subject}",
        body=render_to_string(f"{template_prefix}.txt", ctx),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=sorted({address for address in to if address}),
    )
    message.attach_alternative(render_to_string(f"{template_prefix}.html", ctx), "text/html")
    return message


def send_templated_mail(template_prefix: str, to: Iterable[str], context: dict[str, Any]) -> None:
    """Render now (so template errors surface in the caller), send after the commit."""
    recipients = [address for address in to if address]
    if not recipients:
        return
    message = render_templated_mail(template_prefix, recipients, context)
    transaction.on_commit(message.send)
