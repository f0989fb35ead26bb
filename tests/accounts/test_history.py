"""Edits to people are kept in their history (django-simple-history)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from iasios.accounts.roles import ProgrammeRoleName
from iasios.accounts.services import programme_role_grant
from tests import factories


def test_editing_the_profile_writes_a_history_row_with_who_and_what(client: Client, db: Any) -> None:
    user = factories.make_user(name="Old Name")
    before = user.history.count()
    client.force_login(user)
    response = client.post(reverse("profile"), {"name": "New Name", "language": "en"})
    assert response.status_code == 302
    assert user.history.count() == before + 1
    latest = user.history.first()
    assert latest is not None
    assert latest.name == "New Name"
    assert latest.history_type == "~"
    assert latest.history_user_id == user.pk
    assert latest.prev_record is not None and latest.prev_record.name == "Old Name"


def test_history_never_holds_the_password(db: Any) -> None:
    user = factories.make_user()
    user.set_password("another-password-55")
    user.save()
    assert not hasattr(user.history.first(), "password")


def test_granting_a_role_is_in_the_role_history(db: Any) -> None:
    user = factories.make_user()
    programme_role_grant(user=user, role=ProgrammeRoleName.COMMITTEE)
    grant = user.programme_role_set.get()
    assert grant.history.filter(history_type="+").count() == 1


def test_logging_in_records_the_time_without_a_history_row(client: Client, db: Any) -> None:
    user = factories.make_user()
    before = user.history.count()
    response = client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == before
