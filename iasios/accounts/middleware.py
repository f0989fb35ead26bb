"""Programme staff always use two factors: the rule follows the person, not the path.

A person who holds a programme role (or is a superuser) and has no active authenticator reaches
only the two-factor set-up, the sign-in and sign-out pages and the public pages. Every other page,
download and htmx endpoint leads to the set-up page. The API checks its tokens itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_htmx.http import HttpResponseClientRedirect

SETUP_URL_NAME = "mfa_activate_totp"

# Views open to programme staff before two-factor authentication is on, by URL name.
OPEN_URL_NAMES = frozenset(
    {
        # Public pages.
        "home",
        "about_io",
        "programme",
        "eligibility",
        "registry_json",
        "registry_csv",
        "certificates:verify",
        "certificates:seal",
        "healthz",
        "set_language",
        # Signing in and out, and what the set-up needs (a verified e-mail address, re-entering the password).
        "account_login",
        "account_logout",
        "account_inactive",
        "account_signup",
        "account_reauthenticate",
        "account_email",
        "account_email_verification_sent",
        "account_confirm_email",
        "account_confirm_login_code",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        # The two-factor pages themselves.
        "mfa_index",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
    }
)
# Whole URL namespaces that are public.
OPEN_NAMESPACES = frozenset({"standards", "registry"})
# The API authenticates each request with a token, not the session, and refuses staff tokens without MFA.
SELF_CHECKED_NAMESPACES = frozenset({"api"})


# What the office sees next to a person who holds a programme role without a second factor yet.
NO_MFA_YET = gettext_lazy("No two-factor authentication yet — the role works once it is set up.")


def needs_mfa_setup(user: object) -> bool:
    """A person who must turn on two-factor authentication before anything but the open pages."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_programme_staff or user.is_superuser)  # type: ignore[attr-defined]
        and not user.has_mfa  # type: ignore[attr-defined]
    )


def is_open_without_mfa(view_name: str | None, namespace: str = "") -> bool:
    top = namespace.split(":", 1)[0]
    return (view_name or "") in OPEN_URL_NAMES or top in OPEN_NAMESPACES or top in SELF_CHECKED_NAMESPACES


class StaffMfaRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.path_info.startswith(settings.STATIC_URL) or not needs_mfa_setup(request.user):
            return None
        match = request.resolver_match
        if match is not None and is_open_without_mfa(match.view_name, match.namespace):
            return None
        messages.warning(
            request,
            _("Programme staff must turn on two-factor authentication before using the platform."),
        )
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(reverse(SETUP_URL_NAME))
        return redirect(SETUP_URL_NAME)
