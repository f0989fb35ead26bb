"""Reads of the notifications app."""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet

from iasios.accounts.roles import ProgrammeRoleName
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


def programme_emails(role: str = ProgrammeRoleName.OFFICE) -> list[str]:
    """Addresses of the active people holding a programme role (the office by default)."""
    from iasios.accounts.models import User

    return list(
        User.objects.filter(programme_role_set__role=role, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
