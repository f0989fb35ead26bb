"""Bank account numbers as printed on invoices: IBAN (ISO 13616, checked with its mod-97 digits) and BIC."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
_BIC_SHAPE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


def compact(value: str) -> str:
    """Upper case without spaces or dashes: how an IBAN or BIC is stored."""
    return re.sub(r"[\s-]+", "", value or "").upper()


def iban_checksum_ok(iban: str) -> bool:
    """The ISO 7064 mod-97 test: the country and check digits moved to the end, letters as numbers."""
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in rearranged)) % 97 == 1


def validate_iban(value: str) -> None:
    iban = compact(value)
    if not _IBAN_SHAPE.match(iban):
        raise ValidationError(
            _("An IBAN starts with a country code and two check digits, followed by 11 to 30 letters or digits."),
            code="iban_shape",
        )
    if not iban_checksum_ok(iban):
        raise ValidationError(_("This IBAN's check digits do not match: look for a typing error."), code="iban_check")


def validate_bic(value: str) -> None:
    if not _BIC_SHAPE.match(compact(value)):
        raise ValidationError(_("A BIC has 8 or 11 letters and digits, e.g. GEBABEBB."), code="bic_shape")


def format_iban(iban: str) -> str:
    """In groups of four, as banks print it."""
    iban = compact(iban)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
