"""The signature at submission is rate-limited like the login: after 5 wrong passwords or codes
within 5 minutes the signer is told to wait and nothing is submitted, on the page and in the API;
the count is the signer's own."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

import iasios.settings as shipped
from iasios.api.services import token_create
from iasios.applications.models import Cycle, CycleStatus, Dossier
from iasios.cycles.services import SIGNATURE_RATE_ACTION
from tests import factories
from tests.applications.helpers import fill_core

pytestmark = pytest.mark.django_db

LIMITED = "Too many wrong attempts"


@pytest.fixture(autouse=True)
def _rate_limits_on(settings: Any) -> None:
    """The suite turns rate limits off; these tests run with the limits the project ships."""
    assert SIGNATURE_RATE_ACTION in shipped.ACCOUNT_RATE_LIMITS
    settings.ACCOUNT_RATE_LIMITS = dict(shipped.ACCOUNT_RATE_LIMITS)
    cache.clear()


def _not_submitted(cycle: Cycle) -> None:
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DRAFT
    assert not Dossier.objects.filter(cycle=cycle).exists()


def test_the_shipped_rate_is_five_failures_in_five_minutes_per_user() -> None:
    assert shipped.ACCOUNT_RATE_LIMITS[SIGNATURE_RATE_ACTION] == "5/5m/user"


def test_page_stops_the_sixth_attempt_even_with_the_right_password(cycle: Cycle, enrolled: Any) -> None:
    fill_core(cycle, enrolled.contributor)
    client = enrolled.client_for("representative")
    url = reverse("applications:submit", args=[cycle.pk])
    for _attempt in range(5):
        wrong = client.post(url, {"declaration": "on", "password": "not-my-password"})
        assert wrong.status_code == 400 and "The password is not right." in wrong.content.decode()
    limited = client.post(url, {"declaration": "on", "password": factories.PASSWORD})
    assert limited.status_code == 400
    assert LIMITED in limited.content.decode()
    _not_submitted(cycle)


def test_right_signatures_do_not_count(cycle: Cycle, enrolled: Any) -> None:
    """Only failures count: four wrong passwords, then the right one signs."""
    fill_core(cycle, enrolled.contributor)
    client = enrolled.client_for("representative")
    url = reverse("applications:submit", args=[cycle.pk])
    for _attempt in range(4):
        assert client.post(url, {"declaration": "on", "password": "nope"}).status_code == 400
    assert client.post(url, {"declaration": "on", "password": factories.PASSWORD}).status_code == 302
    assert Dossier.objects.filter(cycle=cycle).exists()


def test_api_stops_the_sixth_code_with_429(cycle: Cycle, enrolled: Any) -> None:
    factories.enable_totp(enrolled.representative)
    fill_core(cycle, enrolled.contributor)
    _token, raw = token_create(user=enrolled.representative, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/v1/applications/cycles/{cycle.pk}/submit"
    for _attempt in range(5):
        wrong = client.post(url, {"declaration": True, "code": "000000"}, content_type="application/json")
        assert wrong.status_code == 422, wrong.content
    limited = client.post(url, {"declaration": True, "code": "000000"}, content_type="application/json")
    assert limited.status_code == 429
    error = limited.json()["error"]
    assert error["code"] == "too_many_attempts" and LIMITED in error["message"]
    _not_submitted(cycle)


def test_the_count_is_per_signer(cycle: Cycle, enrolled: Any, framework: Any) -> None:
    """Another facility's representative is not held back by this one's failures."""
    from iasios.cycles import services as cycle_services
    from tests.applications.conftest import enrol

    fill_core(cycle, enrolled.contributor)
    url = reverse("applications:submit", args=[cycle.pk])
    client = enrolled.client_for("representative")
    for _attempt in range(6):
        client.post(url, {"declaration": "on", "password": "nope"})
    other_cycle = cycle_services.cycle_start(facility=enrol(enrolled.other_facility), user=enrolled.outsider)
    fill_core(other_cycle, enrolled.outsider)
    other = enrolled.client_for("outsider")
    response = other.post(
        reverse("applications:submit", args=[other_cycle.pk]), {"declaration": "on", "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    _not_submitted(cycle)
