"""The certificate PDF with its QR code, and the seal images (SVG, drawn here)."""

from __future__ import annotations

from typing import Any

import segno
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from iasios.certificates.models import Certificate
from iasios.core.documents import Document
from iasios.core.pdf import html_to_pdf
from iasios.decisions.letters import issuer
from iasios.decisions.models import AwardLevel
from iasios.decisions.seals import ENROLLED, seal_label
from iasios.facilities.countries import country_name
from iasios.facilities.language import in_facility_language

QR_SCALE = 6
QR_BORDER = 4


def verification_qr(url: str) -> segno.QRCode:
    # Error correction M: survives a crease or a stamp on a printed certificate.
    return segno.make(url, error="m", micro=False)


def qr_png_data_uri(url: str) -> str:
    return verification_qr(url).png_data_uri(scale=QR_SCALE, border=QR_BORDER)  # type: ignore[no-any-return]


def certificate_html(certificate: Certificate) -> str:
    """The wording in the facility's language with the English wording beneath; the seal's
    official English name always printed (docs/decisions/0030). The issued facts, and so the
    recorded SHA-256, do not depend on the language."""
    with translation.override("en"):
        official_seal_name = str(seal_level(certificate.level)[0])
        seal = seal_svg(certificate.level)  # the seal image carries the official name
    with in_facility_language(certificate.award.facility) as language:
        context: dict[str, Any] = {
            "certificate": certificate,
            "country": country_name(certificate.country),
            "level_label": seal_level(certificate.level)[0],
            "official_seal_name": official_seal_name,
            "bilingual": language != "en",
            "qr": qr_png_data_uri(certificate.verify_url),
            "seal": seal,
            "issuer": issuer(),
        }
        return render_to_string("certificates/certificate_pdf.html", context)


def certificate_pdf(certificate: Certificate) -> bytes:
    return html_to_pdf(certificate_html(certificate))


CERTIFICATE_PDF = "certificate-pdf"


def certificate_document(certificate: Certificate) -> Document:
    """The certificate as issued: rendered once, when it is issued, and served from storage."""
    return Document(
        kind=CERTIFICATE_PDF,
        object_id=str(certificate.pk),
        filename=f"certificate-{certificate.number}.pdf",
        render=lambda: certificate_pdf(certificate),
    )


# level → (ring colour, fill colour); the levels and their names are the decisions app's (seals.py).
SEAL_COLOURS = {
    ENROLLED: ("#0b4f6c", "#e3f0f6"),
    AwardLevel.ACCREDITED: ("#1d6b40", "#e2f3e9"),
    AwardLevel.CENTRE_OF_EXCELLENCE: ("#8a6100", "#fbf0cf"),
}


def seal_level(level: str) -> tuple[str, str, str]:
    """(label, ring colour, fill colour) of a seal level."""
    ring, fill = SEAL_COLOURS[level]
    return seal_label(level), ring, fill


def seal_svg(level: str, *, facility_name: str = "", valid_until: str = "") -> str:
    """A round seal: outer ring, a ring of dots, a star over a cross-hair (image guidance), the
    level in the middle. With a facility name and date for the facility's own use."""
    label, ring, fill = seal_level(level)
    words = str(label).split()
    top, bottom = (" ".join(words[:-1]), words[-1]) if len(words) > 1 else (label, "")
    dots = "".join(
        f'<circle cx="{100 + 78 * cos:.2f}" cy="{100 + 78 * sin:.2f}" r="2.2" fill="{ring}"/>'
        for cos, sin in _ring_points(36)
    )
    star = _star(100, 66, 17, 7)
    extra = ""
    if facility_name:
        extra += (
            f'<text x="100" y="222" text-anchor="middle" font-size="11" font-weight="700" '
            f'fill="{ring}">{escape(facility_name[:48])}</text>'
        )
    if valid_until:
        extra += (
            f'<text x="100" y="238" text-anchor="middle" font-size="9.5" fill="{ring}">'
            f"{escape(_('valid until'))} {escape(valid_until)}</text>"
        )
    height = 245 if extra else 200
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 {height}" width="200" height="{height}" '
        f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        f'<circle cx="100" cy="100" r="96" fill="{fill}" stroke="{ring}" stroke-width="6"/>'
        f'<circle cx="100" cy="100" r="70" fill="#fff" stroke="{ring}" stroke-width="2"/>'
        f"{dots}"
        f'<path d="M100 42 V90 M76 66 H124" stroke="{ring}" stroke-width="1.5" opacity=".35"/>'
        f'<polygon points="{star}" fill="{ring}"/>'
        f'<text x="100" y="112" text-anchor="middle" font-family="Arial, sans-serif" font-size="15" '
        f'font-weight="700" fill="{ring}">{escape(top)}</text>'
        f'<text x="100" y="131" text-anchor="middle" font-family="Arial, sans-serif" font-size="15" '
        f'font-weight="700" fill="{ring}">{escape(bottom)}</text>'
        f'<text x="100" y="152" text-anchor="middle" font-family="Arial, sans-serif" font-size="7" '
        f'letter-spacing=".6" fill="{ring}">{escape(_("INTERVENTIONAL ONCOLOGY"))}</text>'
        f'<g font-family="Arial, sans-serif">{extra}</g></svg>'
    )


def _ring_points(n: int) -> list[tuple[float, float]]:
    import math

    return [(math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)) for i in range(n)]


def _star(cx: float, cy: float, outer: float, inner: float) -> str:
    import math

    points = []
    for i in range(10):
        r = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        points.append(f"{cx + r * math.cos(angle):.2f},{cy + r * math.sin(angle):.2f}")
    return " ".join(points)
