"""Choosing a language: the switcher, the profile, the cookie and Accept-Language (decision 0030)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from iasios.accounts.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def html_lang(response: Any) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "no <html lang>"
    return match.group(1)


def test_switcher_on_a_public_page_lists_each_language_in_itself() -> None:
    response = Client().get(reverse("home"))
    body = response.content.decode()
    form = re.search(r'<form class="lang-switch" method="post" action="([^"]+)">(.*?)</form>', body, re.S)
    assert form, "the switcher form is missing"
    assert form.group(1) == reverse("set_language")
    inner = form.group(2)
    assert 'name="csrfmiddlewaretoken"' in inner
    assert '<input type="hidden" name="next" value="/">' in inner
    assert '<option value="de" lang="de">Deutsch</option>' in inner
    assert '<option value="zh-hans" lang="zh-Hans">' in inner
    assert '<option value="pl" lang="pl">polski</option>' in inner
    assert re.search(r'<option value="en" lang="en" selected>English</option>', inner)
    assert "Change language" in inner


def test_accept_language_is_the_first_guess_for_a_visitor() -> None:
    response = Client().get(reverse("home"), headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.5"})
    assert html_lang(response) == "zh-Hans"
    response = Client().get(reverse("home"), headers={"accept-language": "de-AT,de;q=0.8"})
    assert html_lang(response) == "de"


def test_the_cookie_beats_accept_language_and_the_switcher_sets_it() -> None:
    client = Client()
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/registry/"})
    assert response.status_code == 302
    assert response["Location"] == "/registry/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    response = client.get(reverse("home"), headers={"accept-language": "de"})
    assert html_lang(response) == "fr"


def test_the_switcher_refuses_a_foreign_next() -> None:
    response = Client().post(reverse("set_language"), {"language": "fr", "next": "https://elsewhere.example/"})
    assert response["Location"] == "/"


def test_a_signed_in_choice_is_saved_to_the_profile_and_follows_the_person() -> None:
    user = factories.make_user("lena@example.org")
    client = Client()
    client.force_login(user)
    client.post(reverse("set_language"), {"language": "de", "next": "/"})
    user.refresh_from_db()
    assert user.language == "de"
    # Another browser, with another cookie and another Accept-Language: the profile wins.
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "pl"
    other.force_login(user)
    response = other.get(reverse("profile"), headers={"accept-language": "fr"})
    assert html_lang(response) == "de"
    # Signed out, the cookie is the visitor's choice again.
    other.post(reverse("account_logout"))
    assert other.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pl"
    assert html_lang(other.get(reverse("home"))) == "pl"


def test_the_profile_page_chooses_the_language() -> None:
    user = factories.make_user("ana@example.org", name="Ana")
    client = Client()
    client.force_login(user)
    page = client.get(reverse("profile")).content.decode()
    assert '<option value="pt">Português</option>' in page
    response = client.post(reverse("profile"), {"name": "Ana", "language": "pt"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == "pt"
    assert html_lang(client.get(reverse("profile"))) == "pt"
    response = client.post(reverse("profile"), {"name": "Ana", "language": "xx"})
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.language == "pt"


def test_a_new_account_starts_in_the_visitors_language() -> None:
    client = Client()
    client.get(reverse("account_signup"), headers={"accept-language": "tr-TR,tr;q=0.9"})
    response = client.post(
        reverse("account_signup"),
        {
            "name": "Deniz Kaya",
            "email": "deniz@example.org",
            "password1": "a long passphrase 2026",
            "password2": "a long passphrase 2026",
        },
        headers={"accept-language": "tr-TR,tr;q=0.9"},
    )
    assert response.status_code == 302
    assert User.objects.get(email="deniz@example.org").language == "tr"


def test_staff_without_mfa_may_switch_language() -> None:
    staff = factories.make_staff("office", mfa=False)
    client = Client()
    client.force_login(staff)
    response = client.post(reverse("set_language"), {"language": "it", "next": "/"})
    assert response["Location"] == "/"
    staff.refresh_from_db()
    assert staff.language == "it"
