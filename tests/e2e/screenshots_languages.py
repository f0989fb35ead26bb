"""Screenshots for a person to look at, not a test: the home, the workspace and the certificate in
German and Chinese, at 390 and 1280 px, written to var/screenshots/ (git-ignored).

    .venv/bin/python -m pytest tests/e2e/screenshots_languages.py -p no:randomly -q

The file name keeps it out of the test suite (only test_*.py files are collected); named on the
command line, pytest runs it with the browser tests' fixtures (Chromium, the live server, the
shipped standards). Every shot is taken after switching the language with the page's own
switcher. The certificate is the issued PDF (in the facility's language, the English beneath),
drawn to PNG with pdfium.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import Page

from iasios.certificates.documents import certificate_pdf
from iasios.decisions.models import Award
from tests.e2e.conftest import WIDTHS
from tests.e2e.test_languages import sign_in, switch_language
from tests.site.states import build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["de", "zh-hans"]
OUT = Path(settings.BASE_DIR) / "var" / "screenshots"


def _shoot(page: Page, name: str) -> list[Path]:
    written = []
    for width in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": 900})
        path = OUT / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        written.append(path)
    return written


def _certificate_png(pdf: bytes, name: str) -> list[Path]:
    import pypdfium2  # the dev requirements' PDF renderer

    document = pypdfium2.PdfDocument(pdf)
    written = []
    for width in WIDTHS.values():
        page = document[0]
        scale = width / page.get_width()
        path = OUT / f"{name}-{width}.png"
        page.render(scale=scale).to_pil().save(path)
        written.append(path)
    return written


@pytest.mark.parametrize("language", LANGUAGES)
def test_screenshots(browser: Any, live_server: Any, framework: Any, language: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    facility, rep, _panel = build("accredited")
    award = Award.objects.filter(facility=facility).select_related("certificate", "cycle").latest("valid_from")
    written: list[Path] = []

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto("/")
        switch_language(page, language)
        written += _shoot(page, f"home-visitor-{language}")
    finally:
        context.close()

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    try:
        sign_in(context, rep, live_server.url)
        page = context.new_page()
        page.goto(reverse("facilities:dashboard", args=[facility.pk]))
        switch_language(page, language)
        written += _shoot(page, f"home-facility-{language}")
        page.goto(reverse("applications:workspace", args=[award.cycle.pk]))
        written += _shoot(page, f"workspace-{language}")
    finally:
        context.close()

    facility.language = language
    facility.save(update_fields=["language"])
    award.certificate.award.facility.language = language
    written += _certificate_png(certificate_pdf(award.certificate), f"certificate-{language}")
    print("\n".join(str(p) for p in written))
    assert all(p.exists() and p.stat().st_size > 0 for p in written)
