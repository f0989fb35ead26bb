"""Reads of the notifications app."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from iasios.notifications.models import Notification, NotificationOptOut


def inbox_for(user: Any) -> QuerySet[Notification]:
    """A person's notifications: unread first, newest first within each."""
    return (
        Notification.objects.filter(user=user)
        .alias(unread=ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField()))
        .order_by("-unread", "-created_at")
    )


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def opted_out_kinds(user: Any) -> set[str]:
    return set(NotificationOptOut.objects.filter(user=user).values_list("kind", flat=True))
