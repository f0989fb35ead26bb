"""Public verification of a certificate, the certificate PDF, and the seal images."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from iasios.certificates.documents import certificate_document, seal_svg
from iasios.certificates.models import Certificate
from iasios.core.documents import document_response
from iasios.decisions import selectors as decision_selectors
from iasios.decisions.access import get_visible_award_or_404
from iasios.decisions.models import CURRENT_AWARD_STATES, AwardLevel, AwardStatus
from iasios.decisions.seals import SEAL_LEVEL_NAMES
from iasios.facilities.countries import country_name


@never_cache
@require_GET
def verify(request: HttpRequest, token: str) -> HttpResponse:
    """The live status of the award behind a certificate; no caching, so a change shows at once."""
    certificate = Certificate.objects.select_related("award__facility").filter(token=token).first()
    if certificate is None:
        raise Http404
    award = certificate.award
    # The current award names the next one as decided; the next one names the award in force until it starts.
    current = decision_selectors.current_award(award.facility) if award.is_pending else None
    context = {
        "certificate": certificate,
        "award": award,
        "country": country_name(certificate.country),
        "statuses": AwardStatus,
        "next_award": decision_selectors.next_award(award.facility) if award.status in CURRENT_AWARD_STATES else None,
        "current_award": current,
        # The certificate prints the seal's official English name: shown too, to compare with it.
        "official_level": _official_level(award.level),
    }
    response = render(request, "certificates/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _official_level(level: str) -> str:
    with translation.override("en"):
        return str(AwardLevel(level).label)


@login_required
@require_GET
def certificate_download(request: HttpRequest, award_id: uuid.UUID) -> HttpResponseBase:
    award = get_visible_award_or_404(request.user, award_id)
    certificate = Certificate.objects.filter(award=award).first()
    if certificate is None:
        raise Http404
    return document_response(certificate_document(certificate))


def _svg(content: str, filename: str, *, private: bool) -> HttpResponse:
    response = HttpResponse(content, content_type="image/svg+xml")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=86400"
    return response


@require_GET
def seal(request: HttpRequest, level: str) -> HttpResponse:
    """The generic seal of a level: no facility data, so public."""
    if level not in SEAL_LEVEL_NAMES:
        raise Http404
    # A seal image carries the official English name, whatever the page's language: it is the
    # mark itself, and caches keep it without asking which language (decision 0030).
    with translation.override("en"):
        content = seal_svg(level)
    return _svg(content, f"seal-{level}.svg", private=False)


@login_required
@require_GET
def award_seal(request: HttpRequest, award_id: uuid.UUID) -> HttpResponse:
    """The seal with the facility's name and the end of the term, for the facility's own use."""
    award = get_visible_award_or_404(request.user, award_id)
    with translation.override("en"):  # the official English name, as on every seal image
        content = seal_svg(award.level, facility_name=award.facility.name, valid_until=award.valid_until.isoformat())
    return _svg(content, f"seal-{award.level}-{award.valid_until}.svg", private=True)
