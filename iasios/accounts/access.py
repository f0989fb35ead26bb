"""Who may reach programme staff pages. Facility objects have their own access modules."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from iasios.accounts.roles import OFFICE_GRANTED_ROLES, ProgrammeRoleName


def has_programme_role(user: Any, *roles: str) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_programme_role(*roles))


def can_manage_roles(user: Any) -> bool:
    """Who opens the people pages and grants or revokes programme roles: the office and administrators."""
    return has_programme_role(user, ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)


def roles_grantable_by(user: Any) -> tuple[str, ...]:
    """The roles `user` may grant and revoke: administrators every role, the office all but administrator."""
    if has_programme_role(user, ProgrammeRoleName.ADMINISTRATOR):
        return tuple(ProgrammeRoleName.values)
    if can_manage_roles(user):
        return tuple(str(role) for role in OFFICE_GRANTED_ROLES)
    return ()


def programme_role_required(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Page decorator: logged in, holding one of `roles`. MFA is enforced by the middleware."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        @login_required
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not has_programme_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
