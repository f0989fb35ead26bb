"""The certificate of an award: a numbered document with a token that verifies it live."""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from iasios.core.models import BaseModel


def new_token() -> str:
    """192 bits from the secure random source: unguessable, URL-safe."""
    return secrets.token_urlsafe(24)


class Certificate(BaseModel):
    """Issued once per award. The printed facts (name, level, dates) are kept as issued; the
    award's status is read live by the verification page."""

    award = models.OneToOneField("decisions.Award", on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(_("certificate number"), max_length=20, unique=True, editable=False)
    year = models.PositiveIntegerField(editable=False)
    sequence = models.PositiveIntegerField(editable=False)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    facility_name = models.CharField(_("facility"), max_length=200, editable=False)
    institution = models.CharField(_("institution"), max_length=200, blank=True, editable=False)
    city = models.CharField(_("city"), max_length=120, editable=False)
    country = models.CharField(_("country"), max_length=2, editable=False)
    level = models.CharField(_("level"), max_length=24, editable=False)
    valid_from = models.DateField(_("valid from"), editable=False)
    valid_until = models.DateField(_("valid until"), editable=False)
    issued_on = models.DateField(_("issued on"), editable=False)
    # SHA-256 of the issued facts (`issued_data`), so `manage.py verify_integrity` sees a changed row.
    data_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("certificate")
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="unique_certificate_sequence")]

    def __str__(self) -> str:
        return self.number

    def issued_data(self) -> dict[str, str]:
        """The facts the certificate states, as text."""
        return issued_data(self)

    def issued_data_sha256(self) -> str:
        return issued_data_sha256(self)

    @property
    def verify_path(self) -> str:
        return reverse("certificates:verify", args=[self.token])

    @property
    def verify_url(self) -> str:
        return settings.SITE_URL + self.verify_path


def issued_data(certificate: Any) -> dict[str, str]:
    """The facts a certificate states, as text (also used by the migration that hashed the first ones)."""
    return {
        "number": certificate.number,
        "award": str(certificate.award_id),
        "token": certificate.token,
        "facility_name": certificate.facility_name,
        "institution": certificate.institution,
        "city": certificate.city,
        "country": certificate.country,
        "level": certificate.level,
        "valid_from": certificate.valid_from.isoformat(),
        "valid_until": certificate.valid_until.isoformat(),
        "issued_on": certificate.issued_on.isoformat(),
    }


def issued_data_sha256(certificate: Any) -> str:
    text = json.dumps(issued_data(certificate), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
