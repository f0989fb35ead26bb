"""Public verification of a certificate (no token needed)."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from iasios.api.api import ErrorOut
from iasios.certificates.models import Certificate

router = Router(tags=["certificates"])


class CertificateVerificationOut(Schema):
    number: str
    status: str
    facility_name: str
    institution: str
    city: str
    country: str
    level: str
    valid_from: datetime.date
    valid_until: datetime.date
    status_since: datetime.date | None


@router.get(
    "/verify/{token}",
    auth=None,
    response={200: CertificateVerificationOut, 404: ErrorOut},
    summary="Verify a certificate: its award's live status",
    description="Public. `status` is valid, suspended, withdrawn, expired or superseded.",
)
def verify(request: HttpRequest, token: str) -> dict[str, Any]:
    certificate = Certificate.objects.select_related("award").filter(token=token).first()
    if certificate is None:
        raise Http404
    award = certificate.award
    return {
        "number": certificate.number,
        "status": award.status,
        "facility_name": certificate.facility_name,
        "institution": certificate.institution,
        "city": certificate.city,
        "country": certificate.country,
        "level": award.level,
        "valid_from": award.valid_from,
        "valid_until": award.valid_until,
        "status_since": award.status_changed_on,
    }
