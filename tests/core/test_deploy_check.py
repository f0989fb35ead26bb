"""`manage.py check --deploy` is clean with production settings (DESIGN.md quality bar)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


@pytest.fixture(autouse=True)
def _no_browser_test_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    # The browser tests allow async-unsafe calls for Playwright in the same process; a
    # deployment never sets this, so the check runs without it.
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def _production(settings: Any) -> None:
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(60)
    settings.ALLOWED_HOSTS = ["accreditation.example"]
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True


def test_the_deploy_check_passes_with_production_settings(settings: Any) -> None:
    _production(settings)
    call_command("check", "--deploy", "--fail-level", "WARNING")


def test_the_deploy_check_would_catch_insecure_cookies(settings: Any) -> None:
    _production(settings)
    settings.SESSION_COOKIE_SECURE = False
    with pytest.raises(SystemCheckError):
        call_command("check", "--deploy", "--fail-level", "WARNING")
