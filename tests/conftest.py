"""The cast every access test uses: a facility's staff of each role, an outsider, the programme."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from iasios.accounts.models import User
from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.facilities.models import Facility
from tests import factories

# The local S3 server and the storage fixtures (`s3_storage`, `any_storage`).
pytest_plugins = ["tests.object_storage"]


@pytest.fixture(autouse=True)
def _fast_and_unthrottled(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Files (evidence, stored documents) go to a temporary folder, never the project's var/media.
    settings.MEDIA_ROOT = str(tmp_path_factory.getbasetemp() / "media")
    settings.ACCOUNT_RATE_LIMITS = False
    # The shipped cache is shared between processes (database or Redis); tests keep one in memory
    # (tests/core/test_shared_cache.py runs the shipped ones in separate processes).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Memory caches outlive a test's rolled-back data: each test starts with an empty one.
    cache.clear()
    # Background tasks (e-mail delivery) run inline, so on_commit callbacks reach mail.outbox.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default", "documents"]}
    }


# ----------------------------------------------------------------------------- the shipped framework
# Loaded once per test database (each xdist worker has its own), so every test starts with it
# current; a test's own transaction rolls back whatever it changes. Tests that need another
# library (the standards tests, the billing fee schedule) change it inside their transaction.

_DB_BLOCKER = pytest.StashKey[Any]()


def _load_shipped_framework() -> None:
    from django.conf import settings
    from django.core.management import call_command

    shipped = str(settings.SHIPPED_FRAMEWORK_FILE)
    call_command("standards_load", shipped, "--activate", "--if-new", stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any, request: pytest.FixtureRequest) -> None:
    """The test database, with the shipped framework loaded and current."""
    with django_db_blocker.unblock():
        _load_shipped_framework()
    request.config.stash[_DB_BLOCKER] = django_db_blocker


def _empties_the_database(item: pytest.Item) -> bool:
    """Whether `item` is a transactional test: pytest-django flushes every table after it."""
    from django.test import TestCase, TransactionTestCase

    cls = getattr(item, "cls", None)
    if cls is not None and issubclass(cls, TransactionTestCase):
        return not issubclass(cls, TestCase)
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return bool(
        (marker is not None and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in names
        or "live_server" in names
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    result = yield
    blocker = item.config.stash.get(_DB_BLOCKER, None)
    if blocker is not None and nextitem is not None and _empties_the_database(item):
        from django.db import connection

        with blocker.unblock():
            _load_shipped_framework()
            # Playwright's tests run the ORM under an event loop, where this may be a connection of
            # its own: close it, or it would still be open when the test database is dropped.
            connection.close()
    return result


@pytest.fixture
def framework(db: Any) -> Any:
    """The shipped framework, current (it is in every test's database; see django_db_setup)."""
    from iasios.standards.selectors import current_framework

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
