from __future__ import annotations

from typing import Any

from django.utils import timezone


def record_last_login(sender: Any, user: Any, **kwargs: Any) -> None:
    now = timezone.now()
    type(user)._default_manager.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
