"""Programme staff cannot reach any staff page before they have turned MFA on."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _


def needs_mfa_setup(user: object) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_programme_staff or user.is_superuser)  # type: ignore[attr-defined]
        and not user.has_mfa  # type: ignore[attr-defined]
    )


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(settings.STAFF_PATH_PREFIXES) and needs_mfa_setup(request.user):
            messages.warning(
                request,
                _("Programme staff must turn on two-factor authentication before using staff pages."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
