"""The unread count in the header: one count query, run only when a page shows it."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from iasios.notifications.selectors import unread_count


def inbox(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Templates call a callable without arguments; `cache` keeps it to one query per request.
    return {"inbox_unread_count": cache(lambda: unread_count(user))}
