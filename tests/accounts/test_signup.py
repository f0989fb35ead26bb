"""Sign-up with mandatory e-mail verification, then log in with the e-mail address."""

from __future__ import annotations

import re
from typing import Any

from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.urls import reverse

from iasios.accounts.models import User
from tests import factories

SIGNUP = {
    "name": "Nora New",
    "email": "nora@example.org",
    "password1": factories.PASSWORD,
    "password2": factories.PASSWORD,
}


def _confirmation_path(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_signup_creates_an_unverified_user_and_sends_a_verification_mail(client: Client, db: Any) -> None:
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nora@example.org")
    assert user.name == "Nora New"
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["nora@example.org"]
    assert mail.outbox[0].subject.startswith("[IO Accreditation]")
    _confirmation_path(mail.outbox[0].body)
    # Not logged in until the address is confirmed.
    assert client.get(reverse("dashboard")).status_code == 302


def test_signup_refuses_mismatched_passwords_and_keeps_what_was_typed(client: Client, db: Any) -> None:
    response = client.post(reverse("account_signup"), {**SIGNUP, "password2": "something-else-42"})
    assert response.status_code == 200
    assert not User.objects.filter(email="nora@example.org").exists()
    html = response.content.decode()
    assert 'value="Nora New"' in html and 'value="nora@example.org"' in html
    assert 'class="field field-invalid"' in html


def test_signup_requires_a_name(client: Client, db: Any) -> None:
    response = client.post(reverse("account_signup"), {**SIGNUP, "name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not User.objects.exists()


def test_unverified_user_cannot_log_in(client: Client, db: Any) -> None:
    user = factories.make_user("unverified@example.org", verified=False)
    mail.outbox.clear()
    response = client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("dashboard")).status_code == 302
    assert len(mail.outbox) == 1  # a fresh verification mail


def test_confirmation_link_verifies_the_address_and_logs_in(client: Client, db: Any) -> None:
    client.post(reverse("account_signup"), SIGNUP)
    path = _confirmation_path(mail.outbox[0].body)
    page = client.get(path)
    assert page.status_code == 200
    assert 'class="site-header"' in page.content.decode()
    response = client.post(path)
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nora@example.org").verified
    assert client.get(reverse("dashboard")).status_code == 200


def test_verified_user_logs_in_with_email_and_logs_out_by_post(client: Client, db: Any) -> None:
    user = factories.make_user("mixed.case@example.org")
    response = client.post(
        reverse("account_login"), {"login": "Mixed.Case@Example.org", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.session["_auth_user_id"] == str(user.pk)
    # GET only asks; POST logs out.
    assert client.get(reverse("account_logout")).status_code == 200
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_wrong_password_is_refused_with_a_message(client: Client, db: Any) -> None:
    user = factories.make_user()
    response = client.post(reverse("account_login"), {"login": user.email, "password": "not-the-password"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert 'role="alert"' in response.content.decode()


def test_password_reset_sends_a_link_that_sets_a_new_password(client: Client, db: Any) -> None:
    user = factories.make_user("reset@example.org")
    response = client.post(reverse("account_reset_password"), {"email": "reset@example.org"})
    assert response["Location"] == reverse("account_reset_password_done")
    match = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/[^\s]+/)", mail.outbox[0].body)
    assert match
    form_page = client.get(match.group(1), follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else match.group(1)
    new_password = "a-brand-new-secret-77"
    done = client.post(action, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_change_password_needs_the_old_one(client: Client, db: Any) -> None:
    user = factories.make_user()
    client.force_login(user)
    url = reverse("account_change_password")
    bad = client.post(
        url, {"oldpassword": "wrong", "password1": "new-secret-value-1", "password2": "new-secret-value-1"}
    )
    assert bad.status_code == 200
    good = client.post(
        url, {"oldpassword": factories.PASSWORD, "password1": "new-secret-value-1", "password2": "new-secret-value-1"}
    )
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.check_password("new-secret-value-1")


def test_login_is_rate_limited_when_limits_are_on(client: Client, db: Any, settings: Any) -> None:
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "2/m/key"}
    user = factories.make_user()
    for _attempt in range(2):
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "Too many" in response.content.decode()
