"""Sending e-mails from templates: the one entry point every app uses.

Rendering is `iasios.core.mail`; this adds the inbox rows, the recipients' preferences and the
delivery task, all after the caller's transaction commits (`services.mail_dispatch`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from iasios.notifications.services import mail_dispatch


def send_templated_mail(
    template_prefix: str, to: Iterable[str], context: dict[str, Any], link: str | None = None
) -> None:
    """Mail `to` (addresses) with the templates under `template_prefix` once the transaction commits.

    `link` is the page the message is about, shown in the inbox; without it the first link to
    this site in the text is used. A rolled-back transaction sends nothing and leaves no inbox row.
    """
    mail_dispatch(template_prefix=template_prefix, to=to, context=context, link=link)
