"""A facility's documents (letters, invoices, the certificate) are in the facility's language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.utils import translation

from iasios.accounts.language import supported_language


def facility_language(facility: Any) -> str:
    """The facility's language if the site still offers it, else the site's default."""
    return supported_language(getattr(facility, "language", None)) or str(settings.LANGUAGE_CODE)


@contextmanager
def in_facility_language(facility: Any) -> Iterator[str]:
    """Render a document of `facility` in its language (dates and numbers by its locale too)."""
    language = facility_language(facility)
    with translation.override(language):
        yield language
