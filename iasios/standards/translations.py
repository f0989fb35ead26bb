"""The standards' texts in the reader's language, the English original where none is loaded.

Each row of the standards tree (the version, its sections, standards, requirements and checklist
items) carries its translations in a JSON column, ``{language: {field: text}}``, loaded from the
translation files (`translation_reader.py`, `services.framework_translations_load`). The
translations come with the row, so showing them costs no query. English is the binding text and
is never stored there; a text missing in a language is shown in English with a mark
(`templatetags/standards_text.py`). Decision 0029.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.utils.translation import get_language

# The language the standards are written, loaded and judged in.
ORIGINAL_LANGUAGE = "en"


def standards_language(language: str | None = None) -> str:
    """The language code texts are looked up by: `language` or the active one, lower case."""
    code = (language or get_language() or ORIGINAL_LANGUAGE).lower()
    return code


class Translated(NamedTuple):
    """A text (or list of texts) to show, and whether it is the English original standing in."""

    value: Any
    original: bool


class TranslatedTexts:
    """Mixin of the standards models: their texts in a language, from their `translations` column."""

    translations: dict[str, dict[str, Any]]

    def language_texts(self, language: str | None) -> dict[str, Any] | None:
        code = standards_language(language)
        if code == ORIGINAL_LANGUAGE or code.startswith(ORIGINAL_LANGUAGE + "-"):
            return None
        texts = self.translations or {}
        found = texts.get(code)
        if found is None and "-" in code:
            found = texts.get(code.split("-", 1)[0])
        return found if isinstance(found, dict) else {}

    def translated_value(self, field: str, default: Any = "", language: str | None = None) -> Any:
        """The translated value of `field`, or `default` when there is none (no mark)."""
        texts = self.language_texts(language)
        if not texts:
            return default
        value = texts.get(field)
        return value if value else default

    def in_language(self, field: str, language: str | None = None) -> Translated:
        """`field` in `language` (default: the active one); the English with `original=True` when
        the language is not English and has no translation of a non-empty text."""
        english = getattr(self, field)
        texts = self.language_texts(language)
        if texts is None or not english:
            return Translated(english, False)
        value = texts.get(field)
        if value:
            return Translated(value, False)
        return Translated(english, True)

    def text_in(self, field: str, language: str | None = None) -> Any:
        """`field` in `language`, falling back to English silently (exports, e-mails, truncated labels)."""
        return self.in_language(field, language).value
