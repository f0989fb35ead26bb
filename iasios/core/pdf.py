"""HTML → PDF with WeasyPrint, shared by every app that issues documents."""

from __future__ import annotations


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # heavy import, only when a PDF is made

    # No base_url: templates are self-contained (images as data URIs), so nothing is fetched.
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
