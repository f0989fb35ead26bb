"""A token of programme staff without two-factor authentication opens nothing in the API."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.test import Client

from iasios.accounts.roles import ProgrammeRoleName
from iasios.api.services import token_create
from tests import factories


def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='test')[1]}")


def test_a_staff_token_without_mfa_is_refused_with_403_in_the_error_shape(db: Any) -> None:
    staff = factories.make_staff(ProgrammeRoleName.OFFICE)
    client = _client(staff)
    assert client.get("/api/v1/me").status_code == 200
    # The second factor is removed afterwards (by an administrator's reset): the token stops working.
    Authenticator.objects.filter(user=staff).delete()
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "forbidden"
    assert "two-factor authentication" in error["message"]
    assert client.get("/api/v1/facilities/").status_code == 403


def test_facility_tokens_need_no_mfa(db: Any) -> None:
    member = factories.make_member(factories.make_facility())
    assert _client(member).get("/api/v1/me").status_code == 200


def test_a_token_page_post_of_staff_without_mfa_leads_to_the_set_up(db: Any) -> None:
    client = Client()
    client.force_login(factories.make_staff(ProgrammeRoleName.ASSESSOR, mfa=False))
    response = client.post("/account/tokens/", {"name": "mine"})
    assert response["Location"] == "/accounts/2fa/totp/activate/"
