"""The API speaks the language of Accept-Language; its data stays codes (decision 0030)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from iasios.api.language import accept_language
from iasios.api.services import token_create
from tests import factories
from tests.billing.conftest import programme, set_facility_state  # noqa: F401  (shared fixtures)

pytestmark = pytest.mark.django_db

CatalogueMaker = Callable[[str, dict[str, str]], None]


def test_accept_language_picks_the_first_offered_language() -> None:
    assert accept_language("de-CH,de;q=0.9,en;q=0.5") == "de"
    assert accept_language("xx,zh-CN;q=0.8") == "zh-hans"
    assert accept_language("") == "en"
    assert accept_language("*") == "en"


def test_error_messages_follow_accept_language(fake_catalogue: CatalogueMaker) -> None:
    fake_catalogue(
        "de",
        {
            "A valid personal access token is required.": "Ein gültiges persönliches Zugangstoken ist erforderlich.",
            "Not found.": "Nicht gefunden.",
        },
    )
    client = Client()
    response = client.get("/api/v1/facilities/", headers={"accept-language": "de-DE,de;q=0.9"})
    assert response.status_code == 401
    body = response.json()
    assert body["error"]["code"] == "unauthenticated"  # codes stay language-neutral
    assert body["error"]["message"] == "Ein gültiges persönliches Zugangstoken ist erforderlich."
    assert response["Content-Language"] == "de"
    assert "Accept-Language" in response["Vary"]
    english = client.get("/api/v1/facilities/")
    assert english.json()["error"]["message"] == "A valid personal access token is required."


def test_neither_the_cookie_nor_the_profile_choose_the_apis_language(fake_catalogue: CatalogueMaker) -> None:
    fake_catalogue("de", {"Not found.": "Nicht gefunden."})
    fake_catalogue("fr", {"Not found.": "Introuvable."})
    user = factories.make_user("api@example.org", language="fr")
    _token, raw = token_create(user=user, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    client.force_login(user)
    response = client.get("/api/v1/no-such-thing", headers={"accept-language": "de"})
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "Nicht gefunden.", "fields": []}
    assert client.get("/api/v1/no-such-thing").json()["error"]["message"] == "Not found."


def test_labels_follow_accept_language_and_codes_stay(
    fake_catalogue: CatalogueMaker,
    cast: Any,
    programme: Any,  # noqa: F811
) -> None:
    from iasios.billing import services as billing

    fake_catalogue("de", {"Issued": "Ausgestellt"})
    facility = set_facility_state(cast.facility, "awaiting_payment")
    invoice = billing.invoice_issue_enrolment(facility=facility, actor=cast.office)
    _token, raw = token_create(user=cast.representative, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    german = client.get(f"/api/v1/billing/invoices/{invoice.pk}", headers={"accept-language": "de"}).json()
    english = client.get(f"/api/v1/billing/invoices/{invoice.pk}").json()
    assert german["status"] == english["status"] == "issued"
    assert german["display_status"] == "Ausgestellt"
    assert english["display_status"] == "Issued"
