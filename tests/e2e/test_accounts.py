"""Sign-up to two-factor login, and programme staff led to set up two-factor authentication."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from iasios.accounts.models import User
from iasios.accounts.roles import ProgrammeRoleName
from tests import factories
from tests.e2e.conftest import link_from_last_mail
from tests.totp import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a-long-new-password-42"


def field(page: Page, label: str) -> Locator:
    """The input labelled exactly `label` (a required field's label ends in an asterisk)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def log_in(page: Page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def log_out(page: Page) -> None:
    """The header's log-out button (tests run at desktop width, where the menu is open)."""
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def turn_on_totp(page: Page, password: str) -> str:
    """On the way to the activation page allauth asks for the password again; returns the secret."""
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Turn on two-factor authentication")).to_be_visible()
    secret = page.locator("#authenticator_secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}=*", secret)
    field(page, "Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) >= 10
    return secret


def test_sign_up_verify_log_in_turn_on_mfa_and_log_in_with_a_code(page: Page, shoot: Any) -> None:
    page.goto("/")
    page.get_by_role("link", name="Create account").first.click()
    expect(page.get_by_role("heading", name="Create an account")).to_be_visible()
    shoot("signup")
    field(page, "Full name").fill("Nora Newcomer")
    field(page, "Email").fill("nora@example.org")
    field(page, "Password").fill(NEW_PASSWORD)
    field(page, "Password (again)").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert User.objects.get(email="nora@example.org").name == "Nora Newcomer"

    # Not verified yet: the password alone does not let her in.
    log_in(page, "nora@example.org", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    page.goto(link_from_last_mail(r"/accounts/confirm-email/[^\s]+/"))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Welcome, Nora")).to_be_visible()
    log_out(page)

    page.goto("/accounts/login/")
    shoot("login")
    log_in(page, "nora@example.org", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Nora")).to_be_visible()

    page.get_by_role("link", name="Your profile, security and API tokens").click()
    expect(page.get_by_role("heading", name="Your profile")).to_be_visible()
    shoot("profile")
    page.get_by_role("link", name="Two-factor authentication").first.click()
    page.get_by_role("link", name="Activate").click()
    expect(page.get_by_role("heading", name="Confirm Access")).to_be_visible()
    field(page, "Password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Turn on two-factor authentication")).to_be_visible()
    shoot("mfa-activate")
    secret = page.locator("#authenticator_secret").inner_text().strip()
    field(page, "Authenticator code").fill(totp_code(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    shoot("recovery-codes")
    log_out(page)

    log_in(page, "nora@example.org", NEW_PASSWORD)
    expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
    shoot("mfa-code-step")
    field(page, "Code").fill(totp_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Welcome, Nora")).to_be_visible()

    # A personal access token, shown once.
    page.goto("/account/tokens/")
    field(page, "Name").fill("Quality dashboard")
    page.get_by_role("button", name="Create token").click()
    raw = page.locator("#new-token-value").input_value()
    assert raw.startswith("iot_")
    shoot("tokens")
    page.reload()
    expect(page.get_by_role("cell", name="Quality dashboard", exact=True)).to_have_count(1)
    expect(page.locator("#new-token-value")).to_have_count(0)
    page.get_by_role("button", name="Revoke token Quality dashboard").click()
    expect(page.get_by_text("was revoked")).to_be_visible()


def test_programme_staff_without_mfa_are_led_to_set_it_up(page: Page, shoot: Any) -> None:
    staff = factories.make_staff(ProgrammeRoleName.OFFICE, mfa=False, name="Olga Office")
    page.goto("/accounts/login/")
    field(page, "Email").fill(staff.email)
    field(page, "Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    # The rule follows the person: straight after the login, not only on staff pages.
    expect(page.get_by_text("Programme staff must turn on two-factor authentication")).to_be_visible()
    page.goto("/dashboard/")
    expect(page.get_by_role("heading", name="Welcome, Olga")).to_have_count(0)

    page.goto("/office/")
    expect(page.get_by_text("Programme staff must turn on two-factor authentication")).to_be_visible()
    shoot("staff-mfa-required")
    turn_on_totp(page, factories.PASSWORD)

    page.goto("/office/")
    expect(page.get_by_role("heading", name="Programme office")).to_be_visible()
    page.goto("/admin/")
    expect(page).to_have_url(re.compile(r"/admin/$"))
