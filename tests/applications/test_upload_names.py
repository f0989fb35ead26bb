"""Files keep an honest name: the extension stored, downloaded and put in the dossier ZIP is the
one of the type read from the bytes; a PDF with markup in its first kilobytes is refused."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from iasios.api.services import token_create
from iasios.applications import services
from iasios.applications.dossier import dossier_zip
from iasios.applications.filetypes import PDF_MARKUP_SCAN_BYTES, honest_file_name
from iasios.applications.models import Cycle, Dossier, EvidenceDocument, EvidenceRevision
from tests.applications import conftest as files
from tests.applications.helpers import fill_core, submit

# Each test runs on the local disk and again on a local S3 server.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_storage")]

RENAMED = [
    ("Policy.html", "Policy.pdf"),
    ("Policy.svg", "Policy.pdf"),
    ("Policy.exe", "Policy.pdf"),
    ("Policy.html.pdf", "Policy.pdf"),
    ("Policy.pdf.exe", "Policy.pdf"),
    ("Policy", "Policy.pdf"),
    ("Policy.PDF", "Policy.PDF"),
    ("Report v2.1.pdf", "Report v2.1.pdf"),
]

SCRIPT_PDFS = [
    b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n",
    b"%PDF-1.7\n" + b"% padding\n" * 100 + b"<SCRIPT src=x></SCRIPT>\n",
    b"%PDF-1.4\n1 0 obj<<>>endobj\n<HtMl>\n",
]


def api(user: Any) -> Client:
    _token, raw = token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _download_name(client: Client, revision: EvidenceRevision) -> str:
    response = client.get(reverse("applications:revision_download", args=[revision.pk]))
    assert response.status_code == 200
    return response["Content-Disposition"]


@pytest.mark.parametrize(("sent", "kept"), RENAMED)
def test_page_upload_keeps_the_type_s_extension(enrolled: Any, sent: str, kept: str) -> None:
    client = enrolled.client_for("contributor")
    response = client.post(
        reverse("applications:library", args=[enrolled.facility.pk]),
        {"files": [files.upload(sent, files.pdf_bytes(), "text/html")], "title": "", "description": ""},
    )
    assert response.status_code == 302, response.content.decode()[:1000]
    revision = EvidenceRevision.objects.get()
    assert revision.original_name == kept
    assert _download_name(client, revision) == f'attachment; filename="{kept}"'


@pytest.mark.parametrize(("sent", "kept"), RENAMED)
def test_api_upload_keeps_the_type_s_extension(enrolled: Any, sent: str, kept: str) -> None:
    response = api(enrolled.contributor).post(
        f"/api/v1/applications/facilities/{enrolled.facility.pk}/evidence",
        {"files": [files.upload(sent, files.pdf_bytes(), "text/html")]},
    )
    assert response.status_code == 201, response.content.decode()
    assert response.json()[0]["revisions"][0]["file_name"] == kept
    revision = EvidenceRevision.objects.get()
    assert _download_name(enrolled.client_for("read_only"), revision) == f'attachment; filename="{kept}"'


@pytest.mark.parametrize(
    ("sent", "make", "kept"),
    [
        ("logo.svg", files.png_bytes, "logo.png"),
        ("photo.jpeg", files.jpeg_bytes, "photo.jpeg"),
        ("photo.html", files.jpeg_bytes, "photo.jpg"),
        ("rota.exe", files.docx_bytes, "rota.docx"),
        ("minutes.htm", files.odt_bytes, "minutes.odt"),
        ("notes.html", files.text_bytes, "notes.txt"),
        ("volumes.csv", files.csv_bytes, "volumes.csv"),
        ("old.xls", files.ole_bytes, "old.xls"),
    ],
)
def test_other_kinds_keep_their_own_extension(enrolled: Any, sent: str, make: Any, kept: str) -> None:
    document = services.evidence_document_create(
        facility=enrolled.facility,
        user=enrolled.contributor,
        data=services.DocumentInput(title="Doc"),
        upload=files.upload(sent, make()),
    )
    assert document.revisions.get().original_name == kept


def test_legacy_office_file_with_a_foreign_extension_is_refused(enrolled: Any) -> None:
    """The legacy Office format does not tell Word from Excel: the name must already say which."""
    client = enrolled.client_for("contributor")
    response = client.post(
        reverse("applications:library", args=[enrolled.facility.pk]),
        {"files": [files.upload("budget.html", files.ole_bytes())], "title": "", "description": ""},
    )
    assert response.status_code == 400
    assert "rename it" in response.content.decode()
    assert not EvidenceDocument.objects.exists()


@pytest.mark.parametrize("content", SCRIPT_PDFS)
def test_pdf_with_markup_in_its_head_is_refused_on_the_page(enrolled: Any, content: bytes) -> None:
    response = enrolled.client_for("contributor").post(
        reverse("applications:library", args=[enrolled.facility.pk]),
        {"files": [files.upload("Policy.pdf", content)], "title": "", "description": ""},
    )
    assert response.status_code == 400
    assert "HTML or a script" in response.content.decode()
    assert not EvidenceRevision.objects.exists()


@pytest.mark.parametrize("content", SCRIPT_PDFS)
def test_pdf_with_markup_in_its_head_is_refused_by_the_api(enrolled: Any, content: bytes) -> None:
    response = api(enrolled.contributor).post(
        f"/api/v1/applications/facilities/{enrolled.facility.pk}/evidence",
        {"files": [files.upload("Policy.html", content)]},
    )
    assert response.status_code == 422
    assert "HTML or a script" in response.json()["error"]["message"]
    assert not EvidenceRevision.objects.exists()


def test_markup_past_the_scanned_head_of_a_pdf_is_left_alone(enrolled: Any) -> None:
    content = files.pdf_bytes() + b"%" * PDF_MARKUP_SCAN_BYTES + b"\n(<html> in a text string)\n"
    document = services.evidence_document_create(
        facility=enrolled.facility,
        user=enrolled.contributor,
        data=services.DocumentInput(title="Long"),
        upload=files.upload("long.pdf", content),
    )
    assert document.revisions.get().kind == "pdf"


def test_a_revision_stored_under_a_foreign_name_downloads_and_zips_under_an_honest_one(
    enrolled: Any, cycle: Cycle
) -> None:
    """Revisions received before the rule keep their record; what leaves the platform is renamed."""
    policy, _rota, _on_request = fill_core(cycle, enrolled.contributor)
    EvidenceRevision.objects.filter(document=policy).update(original_name="Policy.html")
    submit(cycle, enrolled.representative)
    revision = policy.revisions.get()
    assert _download_name(enrolled.client_for("read_only"), revision) == 'attachment; filename="Policy.pdf"'
    dossier = Dossier.objects.get(cycle=cycle)
    with zipfile.ZipFile(io.BytesIO(dossier_zip(dossier).read())) as archive:
        evidence = sorted(name for name in archive.namelist() if name.startswith("evidence/"))
    assert len(evidence) == 2
    assert [name.rsplit("-", 1)[-1] for name in evidence] == ["Policy.pdf", "rota.csv"]


def test_zip_entry_names_of_uploads_with_foreign_names(enrolled: Any, cycle: Cycle) -> None:
    fill_core(cycle, enrolled.contributor)
    policy = EvidenceDocument.objects.get(facility=enrolled.facility, title="Service policy")
    services.evidence_revision_add(
        document=policy, user=enrolled.contributor, upload=files.upload("Policy.html.pdf", files.pdf_bytes() + b"%\n")
    )
    submit(cycle, enrolled.representative)
    response = enrolled.client_for("read_only").get(reverse("applications:dossier_zip", args=[cycle.pk]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        names = archive.namelist()
    evidence = sorted(name.rsplit("-", 1)[-1] for name in names if name.startswith("evidence/"))
    assert evidence == ["Policy.pdf", "rota.csv"]
    assert not any(name.lower().endswith((".html", ".htm", ".svg", ".exe")) for name in names)


@pytest.mark.parametrize(
    ("name", "kind", "honest"),
    [
        ("a.html", "pdf", "a.pdf"),
        ("a.tar.gz.exe", "png", "a.tar.gz.png"),
        ("a.xhtml.svg.js", "jpeg", "a.jpg"),
        ("a.JPG", "jpeg", "a.JPG"),
        ("a.html", "office-legacy", "a.bin"),
        ("a.doc", "office-legacy", "a.doc"),
        ("a.html", "unknown-kind", "a.bin"),
        ("", "pdf", "file.pdf"),
    ],
)
def test_honest_file_name(name: str, kind: str, honest: str) -> None:
    assert honest_file_name(name, kind) == honest
