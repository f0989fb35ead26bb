from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.forms import BaseForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from iasios.accounts.language import request_language, supported_language
from iasios.accounts.models import User
from iasios.core.mail import mail_language

# The authenticators that make a second factor; recovery codes only back one of them up.
SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        return reverse("dashboard")

    def save_user(self, request: HttpRequest, user: Any, form: BaseForm, commit: bool = True) -> Any:
        """A new account starts in the language the visitor was reading (cookie or Accept-Language)."""
        user.language = request_language(request)
        return super().save_user(request, user, form, commit=commit)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's own mails (confirmation, password reset, MFA notices) in the recipient's
        language: their profile's when the address belongs to an account, else the page's."""
        with translation.override(self.recipient_language(email, context)):
            super().send_mail(template_prefix, email, context)

    @staticmethod
    def recipient_language(email: str, context: dict[str, Any]) -> str:
        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).only("language").first()
        if user is not None:
            return mail_language(user.language)
        return supported_language(translation.get_language()) or mail_language(None)


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
