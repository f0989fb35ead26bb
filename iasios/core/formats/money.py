"""Money by locale: one helper for every amount a person reads (pages, mails, PDFs).

`money(amount, "EUR")` -> "€1,200.00" in English, "1.200,00 €" in German, "1 200,00 €" in
French, "€1,200.00" in Chinese: Babel's CLDR currency patterns for the active language.
`money_number(amount)` is the amount alone, by locale (for sentences that name the currency
themselves: "{{ amount }} {{ currency }}"). Exports and the API keep plain decimals and codes.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import translation
from django.utils.formats import number_format

try:  # Babel is in the requirements; Django's number format stands in should it be missing.
    from babel import Locale, UnknownLocaleError
    from babel.numbers import format_currency, format_decimal
except ImportError:  # pragma: no cover
    Locale = None  # type: ignore[assignment,misc]


def _decimal(amount: Any) -> Decimal | None:
    if amount is None or amount == "":
        return None
    try:
        return Decimal(str(amount))
    except (InvalidOperation, ValueError):
        return None


def babel_locale(language: str | None = None) -> Any:
    """The Babel locale of a Django language code ("zh-hans" -> zh_Hans), or None."""
    if Locale is None:
        return None
    code = translation.to_locale(language or translation.get_language() or "en")
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(code.split("_")[0])
        except (UnknownLocaleError, ValueError):
            return None


def money(amount: Any, currency: str = "", language: str | None = None) -> str:
    """The amount with its currency, as the reader's locale writes money."""
    value = _decimal(amount)
    if value is None:
        return "" if amount is None else str(amount)
    locale = babel_locale(language)
    if locale is not None and currency:
        return _currency_spacing(str(format_currency(value, currency, locale=locale)))
    number = money_number(value, language)
    return f"{number} {currency}".strip()


# CLDR's currency spacing, which Babel leaves out: a code written in letters ("CHF") is kept
# apart from the digits by a no-break space; a sign ("€") stays where the locale puts it.
_LETTERS_THEN_DIGIT = re.compile(r"([^\W\d_])(\d)")
_DIGIT_THEN_LETTERS = re.compile(r"(\d)([^\W\d_])")


def _currency_spacing(text: str) -> str:
    return _DIGIT_THEN_LETTERS.sub("\\1\u00a0\\2", _LETTERS_THEN_DIGIT.sub("\\1\u00a0\\2", text))


def money_number(amount: Any, language: str | None = None) -> str:
    """The amount alone with two decimals, grouped and with the locale's decimal sign."""
    value = _decimal(amount)
    if value is None:
        return "" if amount is None else str(amount)
    locale = babel_locale(language)
    if locale is not None:
        return str(format_decimal(value, format="#,##0.00", locale=locale))
    return number_format(value, decimal_pos=2, use_l10n=True, force_grouping=True)
