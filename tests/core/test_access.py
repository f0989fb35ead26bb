"""Who gets what, for every page and endpoint: one row per path, one column per role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from iasios.accounts.roles import ProgrammeRoleName
from iasios.api.services import token_create
from tests import factories
from tests.conftest import ROLES, Cast

FACILITY = ["representative", "contact", "contributor", "read_only", "outsider"]
STAFF = ["office", "assessor", "committee", "administrator"]
LOGGED_IN = FACILITY + STAFF


def _expect(default: int, **per_role: int) -> dict[str, int]:
    table = dict.fromkeys(ROLES, default)
    table.update(per_role)
    return table


def _only(roles: list[str], *, allowed: int = 200, others: int = 403, anonymous: int = 302) -> dict[str, int]:
    table = _expect(others, anonymous=anonymous)
    table.update(dict.fromkeys(roles, allowed))
    return table


PUBLIC = _expect(200)
LOGIN_REQUIRED = _expect(200, anonymous=302)

# path → expected status per role. Programme staff in the cast have two-factor authentication on.
EXPECTED: dict[str, dict[str, int]] = {
    "/": PUBLIC,
    "/interventional-oncology/": PUBLIC,
    "/programme/": PUBLIC,
    "/eligibility/": PUBLIC,
    "/standards/": PUBLIC,
    "/healthz": PUBLIC,
    "/api/v1/openapi.json": PUBLIC,
    "/dashboard/": LOGIN_REQUIRED,
    "/account/profile/": LOGIN_REQUIRED,
    "/account/tokens/": LOGIN_REQUIRED,
    "/accounts/email/": LOGIN_REQUIRED,
    "/accounts/password/change/": LOGIN_REQUIRED,
    "/accounts/2fa/": LOGIN_REQUIRED,
    "/accounts/login/": _expect(302, anonymous=200),  # logged-in people are sent on
    "/accounts/signup/": _expect(302, anonymous=200),
    "/office/": _only(["office", "administrator"]),
    "/assessor/": _only(["assessor"]),
    "/committee/": _only(["committee"]),
    # The admin index sends everyone it refuses to its login stand-in …
    "/admin/": _only(["office", "administrator"], others=302),
    # … which never shows a password form: logged-in non-admins get 403, admins are sent on.
    "/admin/login/": _only(["office", "administrator"], allowed=302),
    "/admin/accounts/user/": _only(["administrator"], others=302, anonymous=302) | {"office": 403},
    # The API takes tokens, not sessions.
    "/api/v1/me": _expect(401),
}

CASES = [(path, role, status) for path, table in EXPECTED.items() for role, status in table.items()]


@pytest.mark.parametrize(("path", "role", "status"), CASES, ids=[f"{p} {r}" for p, r, _s in CASES])
def test_status_per_role(cast: Cast, framework: Any, path: str, role: str, status: int) -> None:
    response = cast.client_for(role).get(path)
    assert response.status_code == status, response.get("Location")
    if status == 302 and role == "anonymous":
        assert response["Location"].startswith((reverse("account_login"), "/admin/login/"))


@pytest.mark.parametrize("role", ROLES)
def test_api_me_with_a_token_per_role(cast: Cast, role: str) -> None:
    headers = {}
    if role != "anonymous":
        _token, raw = token_create(user=getattr(cast, role), name="access test")
        headers["Authorization"] = f"Bearer {raw}"
    response = Client().get("/api/v1/me", headers=headers)
    if role == "anonymous":
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "unauthenticated"
    else:
        assert response.status_code == 200
        assert response.json()["email"] == getattr(cast, role).email


@pytest.mark.parametrize(
    "role",
    [
        ProgrammeRoleName.OFFICE,
        ProgrammeRoleName.ASSESSOR,
        ProgrammeRoleName.COMMITTEE,
        ProgrammeRoleName.ADMINISTRATOR,
    ],
)
@pytest.mark.parametrize("path", ["/office/", "/assessor/", "/committee/", "/admin/", "/admin/login/"])
def test_staff_without_mfa_are_sent_to_totp_setup(db: Any, role: str, path: str) -> None:
    client = Client()
    client.force_login(factories.make_staff(role, mfa=False))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
