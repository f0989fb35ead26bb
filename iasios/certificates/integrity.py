"""Integrity of the certificates: each one's issued data against the SHA-256 recorded at issue."""

from __future__ import annotations

from collections.abc import Iterator

from iasios.certificates.models import Certificate
from iasios.core.integrity import Problem


def certificate_problems() -> Iterator[Problem]:
    for certificate in Certificate.objects.order_by("year", "sequence").iterator():
        if certificate.data_sha256 != certificate.issued_data_sha256():
            yield Problem("certificate", certificate.number, "the issued data no longer hashes to the recorded SHA-256")


def counts() -> dict[str, int]:
    return {"certificate": Certificate.objects.count()}
