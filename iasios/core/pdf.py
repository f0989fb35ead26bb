"""HTML → PDF with WeasyPrint, shared by every app that issues documents."""

from __future__ import annotations

from django.http import HttpResponse


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is made

    # No base_url: templates are self-contained (images as data URIs), so nothing is fetched.
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF download: an attachment, never sniffed, never cached by a shared cache."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
