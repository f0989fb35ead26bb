"""The Content-Security-Policy of every HTML page (docs/decisions/0017-content-security-policy.md).

Scripts come only from the site itself: no inline scripts, no inline event handlers, no eval.
Responses that set their own policy (the evidence previews, the downloads) keep it.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"


def tile_origin(tile_url: str) -> str:
    """The origin of the registry map's tile server, `{s}` sub-domains as a wildcard; '' for none."""
    parts = urlsplit(tile_url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"


def page_policy(*, tile_url: str = "", framed_by_self: bool = False) -> str:
    images = " ".join(filter(None, ["'self'", "data:", tile_origin(tile_url)]))
    directives = [
        "default-src 'self'",
        "script-src 'self'",
        # Style sheets from the site only; style attributes (progress bars' widths) are allowed.
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        f"img-src {images}",
        "font-src 'self'",
        "connect-src 'self'",
        # The assessor's inline previews of PDFs and images are same-origin frames.
        "frame-src 'self'",
        "object-src 'self'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors " + ("'self'" if framed_by_self else "'none'"),
    ]
    return "; ".join(directives)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER in response or not response.get("Content-Type", "").startswith("text/html"):
            return response
        framed_by_self = response.get("X-Frame-Options", "").upper() == "SAMEORIGIN"
        response[HEADER] = page_policy(tile_url=settings.REGISTRY_TILE_URL, framed_by_self=framed_by_self)
        return response
