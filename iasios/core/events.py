"""Writing to the event log."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from iasios.core.models import Event


def record_event(
    *,
    obj: models.Model,
    action: str,
    actor: Any = None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one event about `obj`. The actor may be None for the system (sweeps, loaders)."""
    return Event.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data or {},
    )


def timeline(obj: models.Model) -> models.QuerySet[Event]:
    """The events of one object, newest first, with actors loaded in the same query."""
    return Event.objects.for_object(obj).select_related("actor")
