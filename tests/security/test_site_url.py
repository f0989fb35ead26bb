"""Absolute links use the address the site is served at."""

from __future__ import annotations

from typing import Any

from django.core import mail

from iasios.facilities import notifications
from iasios.settings import site_url_from_env
from tests import factories


def test_site_url_follows_host_and_port_unless_set() -> None:
    assert site_url_from_env({}) == "http://127.0.0.1:8000"
    assert site_url_from_env({"PORT": "8765"}) == "http://127.0.0.1:8765"
    assert site_url_from_env({"HOST": "localhost", "PORT": "8765"}) == "http://localhost:8765"
    assert (
        site_url_from_env({"PORT": "8765", "SITE_URL": "https://iasios.example.org/"}) == "https://iasios.example.org"
    )


def test_a_mail_links_to_the_configured_address(
    db: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "http://127.0.0.1:8765"
    facility = factories.make_facility()
    member = factories.make_member(facility)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.activated(facility, member)
    (message,) = mail.outbox
    link = f"http://127.0.0.1:8765/facilities/{facility.pk}/"
    assert link in message.body
    assert ":8000" not in message.body
