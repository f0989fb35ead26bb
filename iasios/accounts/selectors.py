"""Reads about people and their programme roles."""

from __future__ import annotations

from iasios.accounts.models import User


def programme_role_emails(role: str) -> list[str]:
    """The addresses of the active people holding `role` (e.g. the office, told of new work)."""
    return list(
        User.objects.filter(programme_role_set__role=role, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
        .distinct()
    )
