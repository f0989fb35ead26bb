"""The token pages: each person sees and revokes only their own tokens, by POST with CSRF."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client
from django.urls import reverse

from iasios.accounts.roles import ProgrammeRoleName
from iasios.api.models import PersonalAccessToken, hash_token
from iasios.api.services import token_create
from tests import factories

TOKENS = "/account/tokens/"


def _revoke_url(token: PersonalAccessToken) -> str:
    return reverse("api_token_revoke", args=[token.pk])


def test_anonymous_visitors_are_sent_to_log_in(client: Client, db: Any) -> None:
    response = client.get(TOKENS)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_list_shows_only_my_tokens(client: Client, db: Any) -> None:
    me, other = factories.make_user(), factories.make_user()
    token_create(user=me, name="Mine")
    token_create(user=other, name="Someone else's")
    client.force_login(me)
    response = client.get(TOKENS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mine" in html
    assert "Someone else" not in html


def test_creating_shows_the_raw_token_once(client: Client, db: Any) -> None:
    me = factories.make_user()
    client.force_login(me)
    response = client.post(TOKENS, {"name": "Quality dashboard", "expires_in": "30"})
    # Post, redirect, get: reloading the page cannot create a second token.
    assert response.status_code == 302
    assert response["Location"] == TOKENS
    page = client.get(TOKENS)
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    match = re.search(r'id="new-token-value" class="mono" value="(iot_[^"]+)"', html)
    assert match
    raw = match.group(1)
    token = PersonalAccessToken.objects.get(user=me)
    assert token.name == "Quality dashboard"
    assert token.token_hash == hash_token(raw)
    assert token.expires_at is not None
    # It works against the API, and the page never shows it again.
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    assert raw not in client.get(TOKENS).content.decode()
    assert raw not in str(dict(client.session))


def test_a_token_without_expiry_can_be_created(client: Client, db: Any) -> None:
    me = factories.make_user()
    client.force_login(me)
    client.post(TOKENS, {"name": "Forever", "expires_in": ""})
    assert PersonalAccessToken.objects.get(user=me).expires_at is None


def test_a_blank_name_is_refused_and_nothing_is_created(client: Client, db: Any) -> None:
    me = factories.make_user()
    client.force_login(me)
    response = client.post(TOKENS, {"name": "   ", "expires_in": "30"})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not PersonalAccessToken.objects.exists()


def test_i_can_revoke_my_token(client: Client, db: Any) -> None:
    me = factories.make_user()
    token, raw = token_create(user=me, name="t")
    client.force_login(me)
    response = client.post(_revoke_url(token))
    assert response.status_code == 302
    assert response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_someone_elses_token_cannot_be_revoked(client: Client, db: Any) -> None:
    owner, intruder = factories.make_user(), factories.make_user()
    token, _raw = token_create(user=owner, name="t")
    client.force_login(intruder)
    assert client.post(_revoke_url(token)).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_post(client: Client, db: Any) -> None:
    me = factories.make_user()
    token, _raw = token_create(user=me, name="t")
    client.force_login(me)
    assert client.get(_revoke_url(token)).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_needs_the_csrf_token(db: Any) -> None:
    me = factories.make_user()
    token, _raw = token_create(user=me, name="t")
    client = Client(enforce_csrf_checks=True)
    client.force_login(me)
    assert client.post(_revoke_url(token)).status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None
    page = client.get(TOKENS).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf
    assert client.post(_revoke_url(token), {"csrfmiddlewaretoken": csrf.group(1)}).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_creating_needs_the_csrf_token(db: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.make_user())
    assert client.post(TOKENS, {"name": "t", "expires_in": "30"}).status_code == 403
    assert not PersonalAccessToken.objects.exists()


def test_programme_staff_need_mfa_before_creating_a_token(client: Client, db: Any) -> None:
    staff = factories.make_staff(ProgrammeRoleName.ASSESSOR, mfa=False)
    client.force_login(staff)
    # The token pages wait for the second factor like every other page (the rule follows the person).
    assert client.get(TOKENS)["Location"] == reverse("mfa_activate_totp")
    response = client.post(TOKENS, {"name": "t", "expires_in": "30"})
    assert response["Location"] == reverse("mfa_activate_totp")
    assert not PersonalAccessToken.objects.exists()
    factories.enable_totp(staff)
    client.force_login(staff)
    assert client.post(TOKENS, {"name": "t", "expires_in": "30"}).status_code == 302
    assert PersonalAccessToken.objects.filter(user=staff).count() == 1


def test_revoked_and_expired_tokens_show_their_state_without_a_revoke_button(client: Client, db: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    me = factories.make_user()
    revoked, _r = token_create(user=me, name="Old")
    client.force_login(me)
    client.post(_revoke_url(revoked))
    token_create(user=me, name="Stale", expires_at=timezone.now() - timedelta(days=1))
    html = client.get(TOKENS).content.decode()
    assert "revoked" in html and "expired" in html
    assert _revoke_url(revoked) not in html
