"""Creating, using and revoking personal access tokens."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from allauth.mfa.models import Authenticator
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from iasios.accounts.adapter import SECOND_FACTOR_TYPES
from iasios.accounts.models import ProgrammeRole
from iasios.api.models import PersonalAccessToken, hash_token, new_raw_token
from iasios.core.events import record_event
from iasios.core.refusals import NotPermitted

# last_used_at is refreshed at most this often, so each API call does not write a row.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def token_create(*, user: Any, name: str, expires_at: datetime | None = None) -> tuple[PersonalAccessToken, str]:
    """Create a token; returns it with the raw secret, which is shown once and never stored."""
    raw = new_raw_token()
    token = PersonalAccessToken.objects.create(
        user=user, name=name.strip(), hint=raw[:8], token_hash=hash_token(raw), expires_at=expires_at
    )
    record_event(obj=user, action="api_token_created", actor=user, data={"token": str(token.pk), "name": token.name})
    return token, raw


def token_revoke(*, token: PersonalAccessToken, user: Any) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record_event(obj=token.user, action="api_token_revoked", actor=user, data={"token": str(token.pk)})


def token_authenticate(raw: str) -> Any | None:
    """The active user a raw token belongs to, or None; refused for programme staff without MFA."""
    token = (
        PersonalAccessToken.objects.active()
        .select_related("user")
        .filter(token_hash=hash_token(raw), user__is_active=True)
        # Whether the owner is programme staff and has a second factor, in the same query.
        .annotate(
            owner_is_staff=Exists(ProgrammeRole.objects.filter(user=OuterRef("user"))),
            owner_has_mfa=Exists(Authenticator.objects.filter(user=OuterRef("user"), type__in=SECOND_FACTOR_TYPES)),
        )
        .first()
    )
    if token is None:
        return None
    user = token.user
    user.__dict__.update(has_mfa=token.owner_has_mfa)  # the owner's cached `has_mfa`, known now
    if (token.owner_is_staff or user.is_superuser) and not token.owner_has_mfa:  # type: ignore[attr-defined]
        # A token would let programme staff act without their second factor.
        raise NotPermitted(_("Programme staff must turn on two-factor authentication before using the API."))
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
