"""A frozen dossier's summary PDF and ZIP: rendered once when it is frozen, stored with their
SHA-256, served from storage (on the local disk and on an S3 server), rendered again only when
the stored file is missing, and never to someone who may not see the cycle."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from iasios.applications import dossier as dossier_module
from iasios.applications.dossier import DOSSIER_PDF, DOSSIER_ZIP, dossier_documents_render
from iasios.applications.models import Cycle, Dossier
from iasios.core.documents import stored_sha256
from iasios.core.models import StoredDocument
from iasios.cycles import services as cycle_services
from tests import factories
from tests.applications import conftest as files
from tests.applications.helpers import fill_core

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_storage")]


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Counts the PDFs the dossier module renders (each still rendered for real)."""
    calls: list[str] = []
    real = dossier_module.html_to_pdf

    def counting(html: str) -> bytes:
        calls.append("pdf")
        return real(html)

    monkeypatch.setattr(dossier_module, "html_to_pdf", counting)
    return calls


def _submit(cycle: Cycle, enrolled: Any, capture: Callable[..., Any]) -> Dossier:
    fill_core(cycle, enrolled.contributor)
    with capture(execute=True):
        return cycle_services.cycle_submit(
            cycle=cycle, user=enrolled.representative, declaration_accepted=True, password=factories.PASSWORD
        )


@pytest.fixture
def frozen(cycle: Cycle, enrolled: Any, django_capture_on_commit_callbacks: Any) -> Dossier:
    return _submit(cycle, enrolled, django_capture_on_commit_callbacks)


def _stored(kind: str, dossier: Dossier) -> StoredDocument:
    return StoredDocument.objects.get(kind=kind, object_id=str(dossier.pk))


def _download(client: Any, name: str, dossier: Dossier) -> bytes:
    response = client.get(reverse(f"applications:{name}", args=[dossier.cycle_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    return b"".join(response.streaming_content)


def test_freezing_stores_the_summary_and_the_zip_with_their_hashes(frozen: Dossier) -> None:
    for kind in (DOSSIER_PDF, DOSSIER_ZIP):
        stored = _stored(kind, frozen)
        assert stored_sha256(stored.storage_key) == (stored.sha256, stored.size)
    assert _stored(DOSSIER_PDF, frozen).content_type == "application/pdf"
    assert _stored(DOSSIER_ZIP, frozen).content_type == "application/zip"


def test_a_second_run_of_the_task_renders_nothing(frozen: Dossier, renders: list[str]) -> None:
    before = {s.kind: s.storage_key for s in StoredDocument.objects.all()}
    dossier_documents_render.call(str(frozen.pk))
    assert renders == []
    assert {s.kind: s.storage_key for s in StoredDocument.objects.all()} == before


def test_downloads_are_the_stored_bytes(frozen: Dossier, enrolled: Any, renders: list[str]) -> None:
    client = enrolled.client_for("read_only")
    pdf = _download(client, "dossier_pdf", frozen)
    archive = _download(client, "dossier_zip", frozen)
    assert hashlib.sha256(pdf).hexdigest() == _stored(DOSSIER_PDF, frozen).sha256
    assert hashlib.sha256(archive).hexdigest() == _stored(DOSSIER_ZIP, frozen).sha256
    assert renders == []  # served from storage, not rendered again
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        assert "manifest.json" in zf.namelist()
        evidence = [name for name in zf.namelist() if name.startswith("evidence/")]
        contents = {hashlib.sha256(zf.read(name)).hexdigest() for name in evidence}
    assert contents == {hashlib.sha256(files.pdf_bytes()).hexdigest(), hashlib.sha256(files.csv_bytes()).hexdigest()}


def test_a_missing_file_is_rendered_again_and_stored(frozen: Dossier, enrolled: Any, renders: list[str]) -> None:
    lost = _stored(DOSSIER_PDF, frozen)
    default_storage.delete(lost.storage_key)
    pdf = _download(enrolled.client_for("representative"), "dossier_pdf", frozen)
    assert pdf.startswith(b"%PDF") and renders == ["pdf"]
    again = _stored(DOSSIER_PDF, frozen)
    assert again.storage_key != lost.storage_key
    assert hashlib.sha256(pdf).hexdigest() == again.sha256 == stored_sha256(again.storage_key)[0]


def test_the_page_says_being_prepared_until_both_are_stored(cycle: Cycle, enrolled: Any) -> None:
    fill_core(cycle, enrolled.contributor)
    # Without running the commit callbacks the task has not run: nothing is stored yet.
    dossier = cycle_services.cycle_submit(
        cycle=cycle, user=enrolled.representative, declaration_accepted=True, password=factories.PASSWORD
    )
    client = enrolled.client_for("contributor")
    page = reverse("applications:dossier", args=[cycle.pk])
    assert "The summary and the ZIP are being prepared." in client.get(page).content.decode()
    # The download renders on demand and stores: the ZIP is still being prepared.
    _download(client, "dossier_pdf", dossier)
    assert StoredDocument.objects.filter(object_id=str(dossier.pk)).count() == 1
    assert "The ZIP is being prepared." in client.get(page).content.decode()
    dossier_documents_render.call(str(dossier.pk))
    assert "being prepared" not in client.get(page).content.decode()


@pytest.mark.parametrize("who", ["outsider", "assessor", "anonymous"])
def test_people_who_may_not_see_the_cycle_get_nothing(frozen: Dossier, enrolled: Any, who: str) -> None:
    client = enrolled.client_for(who)
    for name in ("dossier_pdf", "dossier_zip"):
        response = client.get(reverse(f"applications:{name}", args=[frozen.cycle_id]))
        assert response.status_code in (302, 404), (who, name)
        assert not hasattr(response, "streaming_content")


def test_the_summary_is_in_the_facilitys_language_with_the_checklist_translated(
    frozen: Dossier, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.utils import translation

    from iasios.standards.models import ChecklistItem

    frozen.cycle.facility.language = "de"
    consent = ChecklistItem.objects.get(framework=frozen.cycle.framework, code="consent")
    german = consent.in_language("text", "de").value
    assert german != consent.text  # the shipped German translation
    frozen.snapshot = {
        **frozen.snapshot,
        "case_review": {
            **(frozen.snapshot.get("case_review") or {}),
            "summary": [{"item": "consent", "text": consent.text, "yes": 28, "no": 2, "not_applicable": 0}],
        },
    }
    pages: list[str] = []
    monkeypatch.setattr(dossier_module, "html_to_pdf", lambda html: pages.append(html) or b"%PDF")
    with translation.override("en"):  # whoever asks first: the facility's language wins
        dossier_module.dossier_pdf(frozen)
    (html,) = pages
    assert '<html lang="de"' in html
    assert german in html and consent.text not in html
    with translation.override("de"):
        assert translation.gettext("Internal case review") in html
