"""Rendering e-mails from templates, in a given language.

Each message is three templates: `<prefix>_subject.txt`, `<prefix>.txt` and `<prefix>.html`.
Only rendering lives here; sending (inbox rows, preferences, delivery after the commit) is
`iasios.notifications.mail.send_templated_mail`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.context import make_context
from django.template.loader import get_template, render_to_string
from django.utils import translation


@dataclass(frozen=True)
class RenderedMail:
    subject: str  # without the site's subject prefix
    text: str
    html: str

    @property
    def full_subject(self) -> str:
        return f"{getattr(settings, 'ACCOUNT_EMAIL_SUBJECT_PREFIX', '')}{self.subject}"


def mail_language(code: str | None) -> str:
    """A language the site offers for `code` (a user's preference), else the site's default."""
    if code:
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            pass
    return str(settings.LANGUAGE_CODE)


def _render_plain(template_name: str, context: dict[str, Any]) -> str:
    """Subjects and text bodies are plain text: no HTML escaping (an apostrophe stays one)."""
    template = get_template(template_name)
    return str(template.template.render(make_context(context, autoescape=False)))  # type: ignore[attr-defined]


def render_mail(template_prefix: str, context: dict[str, Any], language: str | None = None) -> RenderedMail:
    ctx = {"site_url": settings.SITE_URL, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(_render_plain(f"{template_prefix}_subject.txt", ctx).split())
        text = _render_plain(f"{template_prefix}.txt", ctx)
        html = render_to_string(f"{template_prefix}.html", ctx)
    return RenderedMail(subject=subject, text=text, html=html)


def render_templated_mail(
    template_prefix: str, to: Iterable[str], context: dict[str, Any], language: str | None = None
) -> EmailMultiAlternatives:
    """The message as Django's mail object (previews, tests); sending goes through notifications."""
    rendered = render_mail(template_prefix, context, language)
    message = EmailMultiAlternatives(
        subject=rendered.full_subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=sorted({address for address in to if address}),
    )
    message.attach_alternative(rendered.html, "text/html")
    return message
