"""Building blocks of the demo data. Each app's later demo objects are added here."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from iasios.accounts.models import User
from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.accounts.services import programme_role_grant
from iasios.facilities.models import Facility, Membership

DEMO_PASSWORD = "demo-accreditation-2026"  # noqa: S105 - public by design, refused outside development


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    totp_secret: str = ""


def demo_totp_secret(email: str) -> str:
    """A fixed, per-user base32 secret so the printed logins stay the same between runs."""
    import base64

    digest = hashlib.sha256(f"demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def demo_user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def demo_staff(email: str, name: str, role: str) -> DemoLogin:
    user = demo_user(email, name)
    programme_role_grant(user=user, role=role)
    secret = demo_totp_secret(email)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    return DemoLogin(role=str(ProgrammeRoleName(role).label), email=email, totp_secret=secret)


def demo_facility(**fields: Any) -> Facility:
    facility = Facility.objects.filter(name=fields["name"]).first()
    return facility or Facility.objects.create(**fields)


def demo_member(facility: Facility, email: str, name: str, role: str) -> DemoLogin:
    user = demo_user(email, name)
    Membership.objects.get_or_create(facility=facility, user=user, defaults={"role": role})
    return DemoLogin(role=f"{FacilityRoleName(role).label} ({facility.name})", email=email)


def seed_all() -> list[DemoLogin]:
    logins = [
        demo_staff("office@demo.example", "Olivia Office", ProgrammeRoleName.OFFICE),
        demo_staff("assessor@demo.example", "Anders Assessor", ProgrammeRoleName.ASSESSOR),
        demo_staff("assessor2@demo.example", "Beatriz Assessor", ProgrammeRoleName.ASSESSOR),
        demo_staff("committee@demo.example", "Chidi Committee", ProgrammeRoleName.COMMITTEE),
        demo_staff("admin@demo.example", "Ada Administrator", ProgrammeRoleName.ADMINISTRATOR),
    ]
    central = demo_facility(
        name="Central University Hospital · Interventional Oncology",
        institution="Central University Hospital",
        city="Leuven",
        country="BE",
    )
    logins += [
        demo_member(central, "rep@demo.example", "Rosa Representative", FacilityRoleName.AUTHORISED_REPRESENTATIVE),
        demo_member(central, "contact@demo.example", "Carlos Contact", FacilityRoleName.CONTACT_PERSON),
        demo_member(central, "contributor@demo.example", "Chen Contributor", FacilityRoleName.CONTRIBUTOR),
        demo_member(central, "readonly@demo.example", "Riya Reader", FacilityRoleName.READ_ONLY),
    ]
    return logins
