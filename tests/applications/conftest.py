"""Fixtures of the application tests: an Enrolled Centre with a started cycle, files, a stand-in case review."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from iasios.applications.models import Cycle
from iasios.casereview import selectors as casereview_selectors
from iasios.cycles import services as cycle_services
from iasios.facilities.models import Facility, FacilityStatus


@dataclass
class FakeCaseReviewStatus:
    complete: bool = True
    reviewed: int = 30
    required: int = 30
    blockers: list[str] = field(default_factory=list)
    url: str = "/case-review/cycle/x/"


@dataclass
class CaseReviewStandIn:
    status: FakeCaseReviewStatus = field(default_factory=FakeCaseReviewStatus)
    snapshot: dict[str, Any] = field(
        default_factory=lambda: {
            "complete": True,
            "reviewed": 30,
            "sample_size": 30,
            "log": {"sha256": "ab" * 32, "period_start": "2025-01-01", "period_end": "2025-12-31", "row_count": 212},
            "draw": {"seed": "1234", "algorithm": "sha256-counter-v1", "log_sha256": "ab" * 32, "sample_size": 30},
            "sampled_cases": [],
            "summary": [
                {"item": "mdt", "text": "Discussed at a tumour board", "yes": 29, "no": 1, "not_applicable": 0}
            ],
        }
    )

    def incomplete(self, reviewed: int = 12) -> None:
        self.status = FakeCaseReviewStatus(
            complete=False, reviewed=reviewed, required=30, blockers=["18 cases still to review"]
        )


@pytest.fixture(autouse=True)
def case_review(monkeypatch: pytest.MonkeyPatch) -> CaseReviewStandIn:
    """The case review app's two read functions, standing in per the contract (complete by default)."""
    stand_in = CaseReviewStandIn()
    monkeypatch.setattr(casereview_selectors, "case_review_status", lambda cycle: stand_in.status)
    monkeypatch.setattr(casereview_selectors, "case_review_snapshot", lambda cycle: dict(stand_in.snapshot))
    return stand_in


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def enrol(facility: Facility) -> Facility:
    Facility.objects.filter(pk=facility.pk).update(status=FacilityStatus.ENROLLED)
    facility.refresh_from_db()
    return facility


@pytest.fixture
def enrolled(cast: Any) -> Any:
    enrol(cast.facility)
    return cast


@pytest.fixture
def cycle(enrolled: Any, framework: Any) -> Cycle:
    return cycle_services.cycle_start(facility=enrolled.facility, user=enrolled.contributor)


# ----------------------------------------------------------------------------- tiny valid files


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20


def gif_bytes() -> bytes:
    return b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def webp_bytes() -> bytes:
    return b"RIFF\x1a\x00\x00\x00WEBPVP8 " + b"\x00" * 14


def ole_bytes() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return buffer.getvalue()


def csv_bytes() -> bytes:
    return b"month,procedures\n2026-01,14\n2026-02,17\n"


def text_bytes() -> bytes:
    return "Rota for the IO service, week 12. Über-night cover by Dr Ø.\n".encode()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
