"""Object builders for tests (and the benchmark): small, explicit, no fixtures files."""

from __future__ import annotations

import itertools
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from iasios.accounts.models import User
from iasios.accounts.roles import FacilityRoleName
from iasios.accounts.services import programme_role_grant
from iasios.facilities.models import Facility, Membership

PASSWORD = "correct-horse-battery-9"
_seq = itertools.count(1)


def make_user(email: str | None = None, *, name: str = "", verified: bool = True, **extra: Any) -> User:
    n = next(_seq)
    email = email or f"user{n}@example.org"
    user = User.objects.create_user(email=email, password=PASSWORD, name=name or f"User {n}", **extra)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def enable_totp(user: User, secret: str | None = None) -> str:
    """Turn on TOTP for `user`; returns the secret so a test can compute codes."""
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    user.__dict__.pop("has_mfa", None)
    return secret


def make_staff(role: str, *, mfa: bool = True, **kwargs: Any) -> User:
    user = make_user(**kwargs)
    programme_role_grant(user=user, role=role)
    if mfa:
        enable_totp(user)
    return user


def make_facility(**fields: Any) -> Facility:
    n = next(_seq)
    defaults: dict[str, Any] = {
        "name": f"Interventional Oncology Unit {n}",
        "institution": f"University Hospital {n}",
        "city": "Lyon",
        "country": "FR",
    }
    defaults.update(fields)
    return Facility.objects.create(**defaults)


def make_member(facility: Facility, role: str = FacilityRoleName.CONTRIBUTOR, **kwargs: Any) -> User:
    user = make_user(**kwargs)
    Membership.objects.create(facility=facility, user=user, role=role)
    return user
