"""The standards as a PDF, in the version shown: linked from the browser, public like the pages."""

from __future__ import annotations

from typing import Any

import pypdfium2
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from iasios.standards.models import FrameworkVersion
from tests.conftest import ROLES


def _text(content: bytes) -> str:
    """Every page's text, joined (the PDF must open for this to work)."""
    document = pypdfium2.PdfDocument(content)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    cache.clear()


def test_the_browser_links_the_current_versions_pdf(framework: FrameworkVersion) -> None:
    html = Client().get(reverse("standards:browse")).content.decode()
    url = reverse("standards:pdf", args=[framework.code, framework.version])
    assert f'href="{url}" download' in html
    assert f"Download version {framework.version} as PDF" in html


def test_the_pdf_opens_and_holds_every_requirement_code_and_the_version(framework: FrameworkVersion) -> None:
    response = Client().get(reverse("standards:pdf", args=[framework.code, framework.version]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{framework.code}-{framework.version}.pdf"' in response["Content-Disposition"]
    text = _text(response.content)
    assert framework.title in text
    assert f"Version {framework.version}" in text
    words = set(text.split())
    references = [f"{r.standard.number}{r.letter}" for r in framework.requirements.select_related("standard")]
    assert references and [ref for ref in references if ref not in words] == []
    assert "Case review checklist" in text


def test_current_names_the_version_in_use(framework: FrameworkVersion) -> None:
    response = Client().get(reverse("standards:pdf", args=[framework.code, "current"]))
    assert response.status_code == 200
    assert f"Version {framework.version}" in _text(response.content)


def test_an_unknown_version_is_404(framework: FrameworkVersion) -> None:
    assert Client().get(reverse("standards:pdf", args=[framework.code, "1999.9"])).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "office"])
def test_the_pdf_is_public(cast: Any, framework: FrameworkVersion, who: str) -> None:
    assert who in ROLES
    response = cast.client_for(who).get(reverse("standards:pdf", args=[framework.code, framework.version]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_pdf_is_rendered_once_per_version(framework: FrameworkVersion, monkeypatch: Any) -> None:
    url = reverse("standards:pdf", args=[framework.code, framework.version])
    first = Client().get(url).content

    def no_second_rendering(html: str) -> bytes:
        raise AssertionError("rendered again")

    monkeypatch.setattr("iasios.standards.views.html_to_pdf", no_second_rendering)
    assert Client().get(url).content == first
