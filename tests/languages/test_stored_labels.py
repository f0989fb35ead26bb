"""Labels stored in English (the framework's title, its procedure categories) shown in the reader's
language on the pages that print them, with no extra query (issue 12)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.standards.models import FrameworkVersion
from tests.standards.test_translated_pages import german  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _visit(url: str, language: str) -> tuple[str, int]:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_eligibility_page_names_the_procedure_categories_in_the_readers_language(
    german: FrameworkVersion,  # noqa: F811
) -> None:
    german = FrameworkVersion.objects.get(pk=german.pk)  # with the translations just loaded
    url = reverse("eligibility")
    _visit(url, "en")
    english, english_queries = _visit(url, "en")
    assert "<li>Ablation</li>" in english and "<li>Pain management</li>" in english
    html, queries = _visit(url, "de")
    # The test translation names "ablation" only; the others are the English original, marked.
    assert f"<li>{german.procedure_category_label('ablation', 'de')}</li>" in html
    assert '<span lang="en">Pain management</span>' in html
    assert queries == english_queries


def test_the_framework_title_in_the_readers_language(german: FrameworkVersion) -> None:  # noqa: F811
    german = FrameworkVersion.objects.get(pk=german.pk)
    title = german.text_in("title", "de")
    assert title and title != german.title
    for url in (reverse("home"), reverse("standards:versions")):
        html, _ = _visit(url, "de")
        assert title in html, url
        assert german.title not in html, url
        english, _ = _visit(url, "en")
        assert german.title in english, url


def test_the_office_benchmarks_name_standards_and_requirements_in_the_readers_language(
    german: FrameworkVersion,  # noqa: F811
) -> None:
    from django.utils import translation

    from iasios.reports.selectors.office_benchmarks import rating_heatmap
    from iasios.standards.models import Standard

    first = Standard.objects.get(framework=german, number=1)
    with translation.override("de"):
        heatmap = rating_heatmap(german)
    assert heatmap.standards[0].title == first.text_in("title", "de") != first.title
    requirement = first.requirements.order_by("position").first()
    assert requirement is not None
    assert heatmap.standards[0].rows[0].text == requirement.text_in("text", "de") != requirement.text
    with translation.override("en"):
        assert rating_heatmap(german).standards[0].title == first.title


def test_invoice_lines_are_written_in_the_facilitys_language(cast: Any) -> None:
    """The lines are kept as written (an invoice does not change): in the language of its reader,
    whoever issues it from whatever page."""
    from django.utils import translation

    from iasios.billing import services as billing
    from iasios.facilities.language import facility_language

    cast.facility.language = "de"
    cast.facility.save(update_fields=["language"])
    assert facility_language(cast.facility) == "de"
    with translation.override("en"):
        invoice = billing.invoice_issue_enrolment(facility=cast.facility, actor=cast.office)
        english = translation.gettext("Enrolment fee")
    with translation.override("de"):
        german = translation.gettext("Enrolment fee")
    assert german != english
    assert invoice.lines.order_by("position").values_list("description", flat=True)[0] == german
