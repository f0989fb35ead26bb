"""Pages of other apps that show the standards' texts, in German with a partial translation:
the translated texts, the English original marked, and no extra query."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.applications.models import Cycle
from iasios.standards.loader import parse_framework_file
from iasios.standards.models import FrameworkVersion, Requirement
from iasios.standards.services import framework_translations_sync
from iasios.standards.translation_reader import parse_translation_file
from tests.applications.conftest import _media, case_review, cycle, enrolled  # noqa: F401 (fixtures)
from tests.standards.test_translations import FIXTURE

pytestmark = pytest.mark.django_db


@pytest.fixture
def german(framework: FrameworkVersion) -> FrameworkVersion:
    data = parse_translation_file(FIXTURE, parse_framework_file(settings.SHIPPED_FRAMEWORK_FILE))
    framework_translations_sync(framework=framework, translations=[data])
    return framework


def _get(client: Any, user: Any, url: str, language: str) -> tuple[str, int]:
    # A signed-in person's profile language wins over the cookie.
    user.language = language
    user.save(update_fields=["language"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_standard_page_in_german(cycle: Cycle, enrolled: Any, german: FrameworkVersion) -> None:  # noqa: F811
    client = enrolled.client_for("contributor")
    url = reverse("applications:standard", args=[cycle.pk, 1])
    _get(client, enrolled.contributor, url, "en")
    english_html, english_queries = _get(client, enrolled.contributor, url, "en")
    html, queries = _get(client, enrolled.contributor, url, "de")
    assert "Der IO-Dienst hat eine benannte klinische Leitung." in html
    assert "Die Aufgaben der Leitung sind schriftlich festgelegt." in html
    assert "Ernennungsschreiben der klinischen Leitung" in html
    # The pager names the standard in German; the untranslated requirement 1c is marked.
    assert 'title="Organisation und Leitung des IO-Dienstes"' in html
    english_1c = Requirement.objects.get(framework=german, standard__number=1, letter="c").text
    assert f'<span lang="en">{english_1c}</span> <span class="badge badge-muted badge-original"' in html
    # The same page in English: the rows as loaded, no mark; and no extra query in German.
    assert "Der IO-Dienst" not in english_html and "badge-original" not in english_html
    assert queries == english_queries


def test_the_workspace_in_german(cycle: Cycle, enrolled: Any, german: FrameworkVersion) -> None:  # noqa: F811
    client = enrolled.client_for("contributor")
    url = reverse("applications:workspace", args=[cycle.pk])
    _get(client, enrolled.contributor, url, "en")
    _english_html, english_queries = _get(client, enrolled.contributor, url, "en")
    html, queries = _get(client, enrolled.contributor, url, "de")
    assert "1. Organisation und Leitung des IO-Dienstes" in html
    assert "badge-original" in html  # standard 2's title is not translated
    assert queries == english_queries


def test_the_facility_page_names_the_volume_categories_in_german(
    enrolled: Any,  # noqa: F811
    german: FrameworkVersion,
) -> None:
    from iasios.facilities.models import FacilityVolume

    FacilityVolume.objects.create(facility=enrolled.facility, category="ablation", label="Ablation", yearly_volume=40)
    FacilityVolume.objects.create(
        facility=enrolled.facility, category="pain-management", label="Pain management", yearly_volume=12
    )
    client = enrolled.client_for("contributor")
    url = reverse("facilities:dashboard", args=[enrolled.facility.pk])
    english_html, _ = _get(client, enrolled.contributor, url, "en")
    assert "<dt>Pain management</dt>" in english_html
    html, _ = _get(client, enrolled.contributor, url, "de")
    # The fixture translates "ablation"; "pain-management" is not in it: English, marked.
    translated = FrameworkVersion.objects.get(pk=german.pk).procedure_category_label("ablation", "de")
    assert translated != "Ablation"
    assert f"<dt>{translated}</dt>" in html
    assert '<span lang="en">Pain management</span>' in html
