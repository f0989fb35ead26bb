"""A label inside a sentence: lowered at its first letter, except in German and for abbreviations."""

from __future__ import annotations

from django.utils import translation

from iasios.core.formats.words import in_sentence


def test_a_label_in_a_sentence() -> None:
    with translation.override("en"):
        assert in_sentence("Partially met") == "partially met"
        assert in_sentence("ICR complete") == "ICR complete"
    with translation.override("fr"):
        assert in_sentence("Accepté") == "accepté"
    with translation.override("de"):
        assert in_sentence("Stattgegeben") == "Stattgegeben"
