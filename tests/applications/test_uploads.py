"""Evidence uploads: the content decides the type, limits hold, names are sanitised, hashes recorded."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from iasios.applications import services
from iasios.applications.filetypes import RefusedFile, sanitise_file_name, sniff
from iasios.applications.models import EvidenceDocument, EvidenceRevision
from tests.applications import conftest as files

# Each test runs on the local disk and again on a local S3 server.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("any_storage")]

GOOD = [
    ("policy.pdf", files.pdf_bytes, "pdf", "application/pdf"),
    ("suite.png", files.png_bytes, "png", "image/png"),
    ("photo.jpg", files.jpeg_bytes, "jpeg", "image/jpeg"),
    ("anim.gif", files.gif_bytes, "gif", "image/gif"),
    ("pic.webp", files.webp_bytes, "webp", "image/webp"),
    ("old.doc", files.ole_bytes, "office-legacy", "application/x-ole-storage"),
    ("rota.docx", files.docx_bytes, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("audit.xlsx", files.xlsx_bytes, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("minutes.odt", files.odt_bytes, "odt", "application/vnd.oasis.opendocument.text"),
    ("volumes.csv", files.csv_bytes, "csv", "text/csv"),
    ("notes.txt", files.text_bytes, "text", "text/plain"),
]


def _library(facility: Any) -> str:
    return reverse("applications:library", args=[facility.pk])


def _post(client: Any, facility: Any, *uploads: Any, **fields: Any) -> Any:
    data: dict[str, Any] = {"files": list(uploads), "title": "", "description": "", **fields}
    return client.post(_library(facility), data)


@pytest.mark.parametrize(("name", "make", "kind", "content_type"), GOOD)
def test_good_upload_of_each_allowed_kind(enrolled: Any, name: str, make: Any, kind: str, content_type: str) -> None:
    content = make()
    response = _post(enrolled.client_for("contributor"), enrolled.facility, files.upload(name, content))
    assert response.status_code == 302, response.content.decode()[:2000]
    revision = EvidenceRevision.objects.get()
    assert (revision.kind, revision.content_type) == (kind, content_type)
    assert revision.sha256 == hashlib.sha256(content).hexdigest()
    assert revision.size == len(content)
    assert revision.original_name == name
    assert revision.uploaded_by == enrolled.contributor and revision.received_at is not None
    with default_storage.open(revision.storage_key, "rb") as stored:
        assert stored.read() == content


def test_several_files_make_several_documents(enrolled: Any) -> None:
    response = _post(
        enrolled.client_for("contact"),
        enrolled.facility,
        files.upload("Team rota.pdf", files.pdf_bytes()),
        files.upload("Board minutes.docx", files.docx_bytes()),
        effective_on="2026-01-01",
        expires_on="2027-01-01",
    )
    assert response.status_code == 302
    titles = sorted(EvidenceDocument.objects.values_list("title", flat=True))
    assert titles == ["Board minutes", "Team rota"]
    assert all(str(d.expires_on) == "2027-01-01" for d in EvidenceDocument.objects.all())


def _refused(enrolled: Any, upload: Any) -> str:
    response = _post(enrolled.client_for("contributor"), enrolled.facility, upload)
    assert response.status_code == 400
    assert not EvidenceDocument.objects.exists()
    assert not EvidenceRevision.objects.exists()
    return response.content.decode()


def test_disguised_executable_is_refused(enrolled: Any) -> None:
    body = _refused(enrolled, files.upload("report.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "application/pdf"))
    assert "program" in body


@pytest.mark.parametrize(
    "content",
    [b"\x7fELF\x02\x01\x01" + b"\x00" * 50, b"\xcf\xfa\xed\xfe" + b"\x00" * 50, b"#!/bin/sh\nrm -rf /\n"],
)
def test_other_programs_and_scripts_are_refused(enrolled: Any, content: bytes) -> None:
    body = _refused(enrolled, files.upload("notes.txt", content, "text/plain"))
    assert "never accepted" in body


def test_html_is_refused(enrolled: Any) -> None:
    body = _refused(enrolled, files.upload("minutes.txt", b"<!DOCTYPE html><html><script>x</script></html>"))
    assert "HTML, XML and SVG files are not accepted" in body


def test_svg_is_refused(enrolled: Any) -> None:
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    body = _refused(enrolled, files.upload("logo.png", svg, "image/png"))
    assert "HTML, XML and SVG files are not accepted" in body


def test_plain_zip_and_binary_are_refused(enrolled: Any) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    assert "ZIP archives are not accepted" in _refused(enrolled, files.upload("bundle.docx", buffer.getvalue()))
    assert "not accepted" in _refused(enrolled, files.upload("data.csv", b"\x00\x01\x02\xff\xfe"))


def test_oversize_file_is_refused_while_streaming(enrolled: Any, settings: Any) -> None:
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    body = _refused(enrolled, files.upload("big.pdf", b"%PDF-1.4\n" + b"0" * 5000))
    assert "larger than the limit of 1.0" in body
    # A file under the limit in the same request still arrives.
    response = _post(
        enrolled.client_for("contributor"),
        enrolled.facility,
        files.upload("big.pdf", b"%PDF-1.4\n" + b"0" * 5000),
        files.upload("small.pdf", files.pdf_bytes()),
    )
    assert response.status_code == 400
    assert list(EvidenceDocument.objects.values_list("title", flat=True)) == ["small"]


def test_path_traversal_name_is_sanitised_and_key_generated(enrolled: Any, any_storage: str) -> None:
    response = _post(
        enrolled.client_for("contributor"), enrolled.facility, files.upload("../../etc/passwd.pdf", files.pdf_bytes())
    )
    assert response.status_code == 302
    revision = EvidenceRevision.objects.get()
    assert revision.original_name == "passwd.pdf"
    assert revision.storage_key.startswith(f"evidence/{enrolled.facility.pk}/")
    assert ".." not in revision.storage_key and "passwd" not in revision.storage_key
    if any_storage == "disk":
        assert Path(default_storage.path(revision.storage_key)).resolve().is_relative_to(Path(default_storage.location))


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("/abs/path/ok.pdf", "ok.pdf"),
        ("..", "file"),
        (".hidden.pdf", "hidden.pdf"),
        ("name\x00with\nnul.pdf", "namewithnul.pdf"),
        ('a<b>:"c|d?*.pdf', "a_b_c_d_.pdf"),
        ("-rf.pdf", "rf.pdf"),
        ("x" * 300 + ".pdf", "x" * 146 + ".pdf"),
    ],
)
def test_sanitise_file_name(raw: str, clean: str) -> None:
    assert sanitise_file_name(raw) == clean


def test_sniff_ignores_the_name() -> None:
    import io

    assert sniff(io.BytesIO(files.pdf_bytes()), "photo.png").kind == "pdf"
    with pytest.raises(RefusedFile):
        sniff(io.BytesIO(b"MZ" + b"\x00" * 10), "safe.pdf")


def test_text_checked_beyond_the_head(enrolled: Any) -> None:
    content = b"a,b\n" * 5000 + b"\xff\xfe broken"
    _refused(enrolled, files.upload("long.csv", content))


def test_available_on_request_without_file(enrolled: Any) -> None:
    response = _post(
        enrolled.client_for("contributor"), enrolled.facility, title="Credentialing files", available_on_request="on"
    )
    assert response.status_code == 302
    document = EvidenceDocument.objects.get()
    assert document.available_on_request and not document.revisions.exists()


def test_no_file_and_not_on_request_is_refused(enrolled: Any) -> None:
    response = _post(enrolled.client_for("contributor"), enrolled.facility, title="Nothing")
    assert response.status_code == 400
    assert "declare the document available on request" in response.content.decode()
    assert not EvidenceDocument.objects.exists()


def test_new_revision_keeps_the_old_one(enrolled: Any) -> None:
    document = services.evidence_document_create(
        facility=enrolled.facility,
        user=enrolled.contributor,
        data=services.DocumentInput(title="Policy"),
        upload=files.upload("v1.pdf", files.pdf_bytes()),
    )
    client = enrolled.client_for("contact")
    url = reverse("applications:document", args=[enrolled.facility.pk, document.pk])
    v2 = files.pdf_bytes() + b"% v2\n"
    response = client.post(url, {"action": "revision", "file": files.upload("v2.pdf", v2)})
    assert response.status_code == 302
    numbers = list(document.revisions.order_by("number").values_list("number", "sha256"))
    assert numbers == [(1, hashlib.sha256(files.pdf_bytes()).hexdigest()), (2, hashlib.sha256(v2).hexdigest())]
    refused = client.post(url, {"action": "revision", "file": files.upload("v3.pdf", b"<html></html>")})
    assert refused.status_code == 400
    assert document.revisions.count() == 2


def test_download_headers(enrolled: Any) -> None:
    document = services.evidence_document_create(
        facility=enrolled.facility,
        user=enrolled.contributor,
        data=services.DocumentInput(title="Policy"),
        upload=files.upload('Pol"icy; x.pdf', files.pdf_bytes()),
    )
    revision = document.revisions.get()
    response = enrolled.client_for("read_only").get(reverse("applications:revision_download", args=[revision.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert revision.original_name in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == files.pdf_bytes()


def test_size_limit_handler_drops_a_file_mid_stream(settings: Any) -> None:
    from django.core.files.uploadhandler import SkipFile

    from iasios.applications.uploads import SizeLimitUploadHandler

    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100
    handler = SizeLimitUploadHandler()
    handler.new_file("files", "huge.pdf", "application/pdf", 10**9)
    assert handler.receive_data_chunk(b"x" * 60, 0) == b"x" * 60
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"x" * 60, 60)
    assert handler.refused == ["huge.pdf"]
    # The next file starts counting from zero.
    handler.new_file("files", "small.pdf", "application/pdf", 50)
    assert handler.receive_data_chunk(b"x" * 50, 0) == b"x" * 50
