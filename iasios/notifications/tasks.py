"""Background work of the notifications app: delivering e-mails.

The worker (`manage.py db_worker`) runs these; tests and small installs may run them inline
with the immediate backend. Arguments are plain JSON so they survive the database queue.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# A mail server that is down for a while should not lose mail: each failed attempt schedules the
# next one later, five attempts over about two and a half hours. After the last one the task
# stays FAILED in the task table with its traceback.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(minutes=120))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


@task()
def deliver_email(*, subject: str, text: str, html: str, from_email: str, to: list[str], attempt: int = 1) -> int:
    """Send one rendered message; on a connection or SMTP error, schedule another attempt."""
    message = EmailMultiAlternatives(subject=subject, body=text, from_email=from_email, to=to)
    message.attach_alternative(html, "text/html")
    try:
        return message.send()
    except OSError:  # smtplib.SMTPException and socket errors
        if attempt < MAX_ATTEMPTS and deliver_email.get_backend().supports_defer:
            deliver_email.using(run_after=timezone.now() + RETRY_DELAYS[attempt - 1]).enqueue(
                subject=subject, text=text, html=html, from_email=from_email, to=to, attempt=attempt + 1
            )
            logger.warning("E-mail %r to %s failed (attempt %s); retrying later", subject, to, attempt)
        raise
