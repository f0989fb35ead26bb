"""The cast every access test uses: a facility's staff of each role, an outsider, the programme."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from iasios.accounts.models import User
from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.facilities.models import Facility
from tests import factories


@pytest.fixture(autouse=True)
def _fast_and_unthrottled(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ACCOUNT_RATE_LIMITS = False
    # Background tasks (e-mail delivery) run inline, so on_commit callbacks reach mail.outbox.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def framework(db: Any) -> Any:
    """The shipped framework, loaded and current."""
    from django.conf import settings
    from django.core.management import call_command

    from iasios.standards.selectors import current_framework

    call_command("standards_load", str(settings.SHIPPED_FRAMEWORK_FILE), "--activate", "--if-new", verbosity=0)
    return current_framework()


@dataclass
class Cast:
    facility: Facility
    representative: User
    contact: User
    contributor: User
    read_only: User
    other_facility: Facility
    outsider: User
    office: User
    assessor: User
    committee: User
    administrator: User

    def client_for(self, who: str) -> Client:
        client = Client()
        if who != "anonymous":
            client.force_login(getattr(self, who))
        return client


@pytest.fixture
def cast(db: Any) -> Cast:
    facility = factories.make_facility(name="Hôpital Central IO")
    other = factories.make_facility(name="Other Centre", country="DE", city="Berlin")
    return Cast(
        facility=facility,
        representative=factories.make_member(facility, FacilityRoleName.AUTHORISED_REPRESENTATIVE, name="Rita Rep"),
        contact=factories.make_member(facility, FacilityRoleName.CONTACT_PERSON, name="Carl Contact"),
        contributor=factories.make_member(facility, FacilityRoleName.CONTRIBUTOR, name="Cora Contributor"),
        read_only=factories.make_member(facility, FacilityRoleName.READ_ONLY, name="Reed Only"),
        other_facility=other,
        outsider=factories.make_member(other, FacilityRoleName.AUTHORISED_REPRESENTATIVE, name="Otto Outsider"),
        office=factories.make_staff(ProgrammeRoleName.OFFICE, name="Olga Office"),
        assessor=factories.make_staff(ProgrammeRoleName.ASSESSOR, name="Asa Assessor"),
        committee=factories.make_staff(ProgrammeRoleName.COMMITTEE, name="Cam Committee"),
        administrator=factories.make_staff(ProgrammeRoleName.ADMINISTRATOR, name="Ada Admin"),
    )


ROLES = [
    "representative",
    "contact",
    "contributor",
    "read_only",
    "outsider",
    "office",
    "assessor",
    "committee",
    "administrator",
    "anonymous",
]
