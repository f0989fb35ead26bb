from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# The authenticators that make a second factor; recovery codes only back one of them up.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("dashboard")


class MFAAdapter(DefaultMFAAdapter):
    """Programme staff always use two factors: they cannot remove their last authenticator."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Programme staff always sign in with two-factor authentication, so your last authenticator "
            "cannot be removed. To move it to a new device, ask an administrator to reset it."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        user: Any = authenticator.user
        if not (user.is_programme_staff or user.is_superuser):
            return super().can_delete_authenticator(authenticator)
        if authenticator.type not in SECOND_FACTOR_TYPES:
            return True
        others = Authenticator.objects.filter(user=user, type__in=SECOND_FACTOR_TYPES).exclude(pk=authenticator.pk)
        return others.exists()
