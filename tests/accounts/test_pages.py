"""Every account page renders inside the site's frame, with labelled fields."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.totp import totp_code


def _assert_in_site_frame(html: str) -> None:
    assert 'class="site-header"' in html
    assert "css/app.css" in html
    assert "Menu:" not in html  # allauth's bare fallback layout
    # Every visible input has a label pointing at it.
    for input_id in re.findall(r'<input type="(?:text|email|password)"[^>]*\bid="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id


def _log_in(client: Client, email: str, secret: str | None = None) -> None:
    response = client.post(reverse("account_login"), {"login": email, "password": factories.PASSWORD})
    assert response.status_code == 302
    if secret:
        assert response["Location"] == reverse("mfa_authenticate")
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
        assert response.status_code == 302


@pytest.mark.parametrize(
    "name",
    ["account_login", "account_signup", "account_reset_password", "account_reset_password_done"],
)
def test_entrance_pages_render_in_site_frame(client: Client, db: Any, name: str) -> None:
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    _assert_in_site_frame(html)
    assert "page-entrance" in html


def test_login_page_uses_our_words_and_labels(client: Client, db: Any) -> None:
    html = client.get(reverse("account_login")).content.decode()
    assert "<h1>Log in</h1>" in html
    assert 'for="id_login"' in html and 'for="id_password"' in html
    assert reverse("account_reset_password") in html


def test_signup_page_asks_for_name_email_and_password_twice(client: Client, db: Any) -> None:
    html = client.get(reverse("account_signup")).content.decode()
    for field in ["id_name", "id_email", "id_password1", "id_password2"]:
        assert f'for="{field}"' in html
    assert html.index("id_name") < html.index("id_email")


@pytest.mark.parametrize(
    "name",
    ["account_email", "account_change_password", "mfa_index", "profile", "api_tokens", "account_logout"],
)
def test_account_pages_render_in_site_frame(client: Client, db: Any, name: str) -> None:
    client.force_login(factories.make_user())
    response = client.get(reverse(name))
    assert response.status_code == 200
    _assert_in_site_frame(response.content.decode())


def test_manage_pages_show_account_navigation(client: Client, db: Any) -> None:
    client.force_login(factories.make_user())
    html = client.get(reverse("account_change_password")).content.decode()
    assert 'class="subnav"' in html
    assert f'href="{reverse("account_change_password")}" aria-current="page"' in html


def test_totp_activation_page_shows_secret_and_qr_after_reauthentication(client: Client, db: Any) -> None:
    user = factories.make_user()
    _log_in(client, user.email)
    # Adding an authenticator asks for the password again, even right after logging in.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    html = response.content.decode()
    _assert_in_site_frame(html)
    secret = response.context["form"].secret
    assert f'<code id="authenticator_secret" class="secret">{secret}</code>' in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert 'for="id_code"' in html


def test_reauthentication_page_renders_in_site_frame(client: Client, db: Any) -> None:
    client.force_login(factories.make_user())
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    _assert_in_site_frame(page.content.decode())


def test_mfa_code_step_and_recovery_code_pages_render(client: Client, db: Any) -> None:
    user = factories.make_user()
    secret = factories.enable_totp(user)
    response = client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    _assert_in_site_frame(html)
    assert "authenticator app" in html
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    # Recovery codes are generated at activation in the real flow; generate them here.
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})
    response = client.post(reverse("mfa_generate_recovery_codes"))
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(reverse("mfa_view_recovery_codes"))
    assert codes_page.status_code == 200
    _assert_in_site_frame(codes_page.content.decode())
    assert 'id="recovery_codes"' in codes_page.content.decode()
    deactivate = client.get(reverse("mfa_deactivate_totp"))
    assert deactivate.status_code == 200
    _assert_in_site_frame(deactivate.content.decode())
