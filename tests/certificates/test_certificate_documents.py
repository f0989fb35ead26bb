"""The certificate PDF: rendered once when the certificate is issued, stored with its SHA-256,
served from storage, rendered again when its file is missing; its issued data is hashed too."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage

from iasios.certificates import documents as certificate_documents
from iasios.certificates.documents import CERTIFICATE_PDF
from iasios.certificates.tasks import certificate_render
from iasios.core.documents import stored_sha256
from iasios.core.models import StoredDocument
from tests.decisions.conftest import granted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_storage")]


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = certificate_documents.html_to_pdf

    def counting(html: str) -> bytes:
        calls.append("pdf")
        return real(html)

    monkeypatch.setattr(certificate_documents, "html_to_pdf", counting)
    return calls


@pytest.fixture
def award(cast: Any, framework: Any, members: list[Any], contract: Any, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        return granted(cast, framework, members, date(2026, 2, 1))


def _stored(award: Any) -> StoredDocument:
    return StoredDocument.objects.get(kind=CERTIFICATE_PDF, object_id=str(award.certificate.pk))


def _download(client: Any, award: Any) -> bytes:
    response = client.get(f"/certificates/{award.pk}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="certificate-{award.certificate.number}.pdf"'
    return b"".join(response.streaming_content)


def test_issuing_stores_the_pdf_once_with_its_hash(award: Any, renders: list[str]) -> None:
    stored = _stored(award)
    assert stored_sha256(stored.storage_key) == (stored.sha256, stored.size)
    certificate_render.call(str(award.certificate.pk))
    assert renders == [] and _stored(award).storage_key == stored.storage_key


def test_the_download_is_the_stored_file(award: Any, cast: Any, renders: list[str]) -> None:
    content = _download(cast.client_for("read_only"), award)
    assert content.startswith(b"%PDF") and renders == []
    assert hashlib.sha256(content).hexdigest() == _stored(award).sha256


def test_a_missing_file_is_rendered_on_demand(award: Any, cast: Any, renders: list[str]) -> None:
    default_storage.delete(_stored(award).storage_key)
    content = _download(cast.client_for("office"), award)
    assert renders == ["pdf"]
    assert hashlib.sha256(content).hexdigest() == _stored(award).sha256 == stored_sha256(_stored(award).storage_key)[0]


@pytest.mark.parametrize("who", ["outsider", "assessor", "committee"])
def test_outsiders_get_no_certificate(award: Any, cast: Any, who: str, renders: list[str]) -> None:
    StoredDocument.objects.all().delete()
    assert cast.client_for(who).get(f"/certificates/{award.pk}/certificate.pdf").status_code == 404
    assert renders == [] and not StoredDocument.objects.exists()


def test_the_award_page_says_being_prepared_until_it_is_stored(award: Any, cast: Any) -> None:
    client = cast.client_for("representative")
    assert "being prepared" not in client.get(f"/decisions/awards/{award.pk}/").content.decode()
    StoredDocument.objects.filter(kind=CERTIFICATE_PDF).delete()
    assert "being prepared" in client.get(f"/decisions/awards/{award.pk}/").content.decode()


def test_the_issued_data_is_hashed(award: Any) -> None:
    certificate = award.certificate
    certificate.refresh_from_db()
    assert len(certificate.data_sha256) == 64
    assert certificate.data_sha256 == certificate.issued_data_sha256()
    certificate.facility_name = "Somewhere else"
    assert certificate.data_sha256 != certificate.issued_data_sha256()
