"""Personal access tokens: created, used as a Bearer token, revoked; only a hash is stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from iasios.api.models import PersonalAccessToken, hash_token
from iasios.api.services import LAST_USED_RESOLUTION, token_authenticate, token_create, token_revoke
from iasios.core.models import Event
from tests import factories

ME = "/api/v1/me"


def _get_me(raw: str | None) -> Any:
    headers = {"Authorization": f"Bearer {raw}"} if raw is not None else {}
    return Client().get(ME, headers=headers)


def _assert_error_shape(response: Any, status: int, code: str) -> None:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert isinstance(body["error"]["fields"], list)


class TestTokenCreate:
    def test_it_returns_the_raw_token_and_stores_only_its_hash(self, db: Any) -> None:
        user = factories.make_user()
        token, raw = token_create(user=user, name="  Dashboard  ")
        assert raw.startswith("iot_") and len(raw) > 40
        stored = PersonalAccessToken.objects.get(pk=token.pk)
        assert stored.name == "Dashboard"
        assert stored.token_hash == hash_token(raw)
        assert stored.hint == raw[:8]
        # The secret appears in no column.
        for field in PersonalAccessToken._meta.concrete_fields:
            assert raw not in str(getattr(stored, field.attname))
        assert Event.objects.for_object(user).filter(action="api_token_created").count() == 1

    def test_two_tokens_differ(self, db: Any) -> None:
        user = factories.make_user()
        assert token_create(user=user, name="a")[1] != token_create(user=user, name="b")[1]


class TestTokenAuthenticate:
    def test_it_finds_the_owner_and_notes_the_use(self, db: Any) -> None:
        user = factories.make_user()
        token, raw = token_create(user=user, name="t")
        assert token_authenticate(raw) == user
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_last_use_is_written_at_most_once_per_interval(self, db: Any, django_assert_num_queries: Any) -> None:
        token, raw = token_create(user=factories.make_user(), name="t")
        token_authenticate(raw)
        with django_assert_num_queries(1):
            token_authenticate(raw)
        PersonalAccessToken.objects.filter(pk=token.pk).update(
            last_used_at=timezone.now() - LAST_USED_RESOLUTION - timedelta(seconds=1)
        )
        with django_assert_num_queries(2):
            token_authenticate(raw)

    @pytest.mark.parametrize("raw", ["", "iot_nope", "x" * 200])
    def test_unknown_tokens_find_nobody(self, db: Any, raw: str) -> None:
        assert token_authenticate(raw) is None

    def test_revoked_expired_and_inactive_owners_find_nobody(self, db: Any) -> None:
        user = factories.make_user()
        revoked, raw_revoked = token_create(user=user, name="r")
        token_revoke(token=revoked, user=user)
        _expired, raw_expired = token_create(user=user, name="e", expires_at=timezone.now() - timedelta(seconds=1))
        inactive_user = factories.make_user()
        _t, raw_inactive = token_create(user=inactive_user, name="i")
        inactive_user.is_active = False
        inactive_user.save()
        assert token_authenticate(raw_revoked) is None
        assert token_authenticate(raw_expired) is None
        assert token_authenticate(raw_inactive) is None

    def test_revoking_twice_keeps_the_first_time(self, db: Any) -> None:
        user = factories.make_user()
        token, _raw = token_create(user=user, name="t")
        token_revoke(token=token, user=user)
        first = token.revoked_at
        token_revoke(token=token, user=user)
        assert token.revoked_at == first
        assert Event.objects.for_object(user).filter(action="api_token_revoked").count() == 1


class TestMeEndpoint:
    def test_a_valid_token_reads_its_owner(self, db: Any) -> None:
        facility = factories.make_facility(name="Centre A")
        user = factories.make_member(facility, name="Mia Member")
        _token, raw = token_create(user=user, name="t")
        response = _get_me(raw)
        assert response.status_code == 200
        body = response.json()
        assert body["email"] == user.email and body["name"] == "Mia Member"
        assert body["programme_roles"] == []
        assert [f["name"] for f in body["facilities"]] == ["Centre A"]

    def test_a_revoked_token_gets_401_with_the_error_shape(self, db: Any) -> None:
        user = factories.make_user()
        token, raw = token_create(user=user, name="t")
        assert _get_me(raw).status_code == 200
        token_revoke(token=token, user=user)
        _assert_error_shape(_get_me(raw), 401, "unauthenticated")

    def test_an_expired_token_gets_401_with_the_error_shape(self, db: Any) -> None:
        _token, raw = token_create(
            user=factories.make_user(), name="t", expires_at=timezone.now() - timedelta(minutes=1)
        )
        _assert_error_shape(_get_me(raw), 401, "unauthenticated")

    @pytest.mark.parametrize("raw", [None, "", "iot_made_up"])
    def test_missing_or_unknown_tokens_get_401(self, db: Any, raw: str | None) -> None:
        _assert_error_shape(_get_me(raw), 401, "unauthenticated")

    def test_a_session_is_not_enough(self, client: Client, db: Any) -> None:
        client.force_login(factories.make_user())
        _assert_error_shape(client.get(ME), 401, "unauthenticated")
