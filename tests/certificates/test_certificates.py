"""Certificates: gapless numbers per year, the PDF and its QR code, live verification, seals."""

from __future__ import annotations

import base64
import io
import re
from datetime import date
from typing import Any

import pytest
import segno
from django.conf import settings
from django.test import Client
from PIL import Image

from iasios.certificates.documents import QR_BORDER, QR_SCALE, certificate_html, certificate_pdf
from iasios.certificates.models import Certificate
from iasios.decisions import services
from iasios.decisions.models import AwardStatus
from tests.decisions.conftest import granted

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(cast: Any, framework: Any, members: list[Any], contract: Any) -> Any:
    return granted(cast, framework, members, date(2026, 2, 1))


def test_numbers_are_gapless_per_year(cast: Any, framework: Any, members: list[Any], contract: Any) -> None:
    numbers = [
        granted(cast, framework, members, day).certificate.number
        for day in (date(2026, 1, 5), date(2026, 6, 1), date(2027, 1, 2))
    ]
    assert numbers == ["IO-2026-0001", "IO-2026-0002", "IO-2027-0001"]


def test_tokens_are_long_and_unique(award: Any) -> None:
    token = award.certificate.token
    assert len(token) >= 32 and re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert award.certificate.verify_url == f"{settings.SITE_URL}/verify/{token}/"


def _matrix_from_png(data_uri: str) -> list[list[bool]]:
    """Read the QR modules back from the embedded PNG: one sample at the centre of each module."""
    png = base64.b64decode(data_uri.split(",", 1)[1])
    image = Image.open(io.BytesIO(png)).convert("L")
    modules = image.width // QR_SCALE - 2 * QR_BORDER
    return [
        [
            image.getpixel(((QR_BORDER + x) * QR_SCALE + QR_SCALE // 2, (QR_BORDER + y) * QR_SCALE + QR_SCALE // 2))
            < 128
            for x in range(modules)
        ]
        for y in range(modules)
    ]


def test_the_pdf_carries_a_qr_code_of_the_verification_url(award: Any) -> None:
    certificate = award.certificate
    assert certificate_pdf(certificate).startswith(b"%PDF")
    html = certificate_html(certificate)
    assert certificate.number in html and certificate.facility_name in html
    data_uri = re.search(r'src="(data:image/png;base64,[^"]+)"', html).group(1)  # type: ignore[union-attr]
    embedded = _matrix_from_png(data_uri)
    expected = [[bool(v) for v in row] for row in segno.make(certificate.verify_url, error="m", micro=False).matrix]
    assert embedded == expected
    wrong = [[bool(v) for v in row] for row in segno.make(certificate.verify_url + "x", error="m").matrix]
    assert embedded != wrong


def test_the_pdf_download_is_for_the_facility_and_the_office(cast: Any, award: Any) -> None:
    url = f"/certificates/{award.pk}/certificate.pdf"
    expected = {
        "representative": 200,
        "contact": 200,
        "contributor": 200,
        "read_only": 200,
        "office": 200,
        "outsider": 404,
        "assessor": 404,
        "committee": 404,
        "anonymous": 302,
    }
    for who, status in expected.items():
        response = cast.client_for(who).get(url)
        assert response.status_code == status, who
        if status == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("status", ["valid", "suspended", "withdrawn", "expired", "superseded"])
def test_the_verification_page_shows_the_live_status(
    cast: Any, framework: Any, members: list[Any], award: Any, status: str
) -> None:
    if status == "suspended":
        services.award_suspend(award=award, actor=cast.office, reason="Incident")
    elif status == "withdrawn":
        services.award_withdraw(award=award, actor=cast.office, reason="Fraud")
    elif status == "expired":
        services.award_sweep(today=date(2031, 1, 1))
    elif status == "superseded":
        granted(cast, framework, members, date(2029, 1, 1))
    award.refresh_from_db()
    assert award.status == status
    response = Client().get(award.certificate.verify_path)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    assert f"verify-{status}" in text
    assert str(AwardStatus(status).label) in text
    assert award.certificate.number in text and cast.facility.name in text
    api = Client().get(f"/api/v1/certificates/verify/{award.certificate.token}")
    assert api.status_code == 200 and api.json()["status"] == status


def test_an_unknown_token_is_404() -> None:
    assert Client().get("/verify/not-a-token/").status_code == 404
    assert Client().get("/api/v1/certificates/verify/not-a-token").status_code == 404


def test_suspension_changes_the_registry_and_verification_at_once(cast: Any, award: Any) -> None:
    from iasios.facilities.models import Facility

    Facility.objects.filter(pk=cast.facility.pk).update(status="enrolled")
    client = Client()
    centre = client.get("/registry.json").json()["centres"][0]
    assert (centre["level"], centre["valid_until"]) == ("accredited", award.valid_until.isoformat())
    assert centre["verify_url"] == award.certificate.verify_url
    office = cast.client_for("office")
    response = office.post(f"/office/decisions/awards/{award.pk}/suspend/", {"reason": "Incident under review"})
    assert response.status_code == 302
    centre = client.get("/registry.json").json()["centres"][0]
    assert (centre["level"], centre["valid_until"], centre["verify_url"]) == ("enrolled", None, "")
    assert "verify-suspended" in client.get(award.certificate.verify_path).content.decode()
    office.post(f"/office/decisions/awards/{award.pk}/reinstate/", {"reason": "Cleared"})
    assert client.get("/registry.json").json()["centres"][0]["level"] == "accredited"
    office.post(f"/office/decisions/awards/{award.pk}/withdraw/", {"reason": "Fraud"})
    assert client.get("/registry.json").json()["centres"][0]["level"] == "enrolled"
    assert "verify-withdrawn" in client.get(award.certificate.verify_path).content.decode()


def test_office_award_actions_need_a_reason_and_the_office(cast: Any, award: Any) -> None:
    url = f"/office/decisions/awards/{award.pk}/suspend/"
    expected = {"office": 302, "committee": 403, "representative": 403, "assessor": 403, "anonymous": 302}
    for who, status in expected.items():
        assert cast.client_for(who).post(url, {"reason": ""}).status_code == status, who
    award.refresh_from_db()
    assert award.status == "valid"  # an empty reason changed nothing
    assert (
        cast.client_for("office").post(f"/office/decisions/awards/{award.pk}/explode/", {"reason": "x"}).status_code
        == 404
    )


def test_seals(cast: Any, award: Any) -> None:
    for level in ("enrolled", "accredited", "centre_of_excellence"):
        response = Client().get(f"/seals/{level}.svg")
        assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
        assert response.content.startswith(b"<svg") and cast.facility.name.encode() not in response.content
    assert Client().get("/seals/gold.svg").status_code == 404
    url = f"/certificates/{award.pk}/seal.svg"
    own = cast.client_for("read_only").get(url)
    assert own.status_code == 200 and "Hôpital Central IO" in own.content.decode()
    assert cast.client_for("outsider").get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_certificate_is_issued_once_per_award(award: Any) -> None:
    from iasios.certificates.services import certificate_issue

    assert certificate_issue(award=award) == award.certificate
    assert Certificate.objects.filter(award=award).count() == 1
