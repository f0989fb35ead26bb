"""Who issues the invoices and how to pay them: the office's `Issuer` row, copied onto each invoice.

An invoice shows the details it was issued with; an invoice issued before the details were
kept on it (or before the office set them) shows the current ones.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from iasios.billing.iban import format_iban
from iasios.billing.models import Invoice, Issuer


@dataclass(frozen=True)
class IssuerDetails:
    name: str
    address: str = ""
    vat_number: str = ""
    email: str = ""
    bank_name: str = ""
    iban: str = ""
    bic: str = ""
    payment_reference_prefix: str = ""

    @property
    def iban_display(self) -> str:
        return format_iban(self.iban) if self.iban else ""

    @property
    def can_be_paid(self) -> bool:
        """Enough to make a bank transfer: an account and the name it is held in."""
        return bool(self.iban and self.name)

    def payment_reference(self, invoice: Invoice) -> str:
        return f"{self.payment_reference_prefix} {invoice.number}".strip()

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IssuerDetails:
        known = set(cls.__dataclass_fields__)
        return cls(**{k: str(v) for k, v in data.items() if k in known})


def issuer_row() -> Issuer | None:
    return Issuer.objects.first()


def current_issuer() -> IssuerDetails:
    """The details the next invoice is issued with (a default name until the office sets them)."""
    row = issuer_row()
    if row is None:
        return IssuerDetails(name=_("IO Accreditation programme office"), email=settings.DEFAULT_FROM_EMAIL)
    return IssuerDetails(
        name=row.name,
        address=row.address,
        vat_number=row.vat_number,
        email=row.email or settings.DEFAULT_FROM_EMAIL,
        bank_name=row.bank_name,
        iban=row.iban,
        bic=row.bic,
        payment_reference_prefix=row.payment_reference_prefix,
    )


def issuer_of(invoice: Invoice) -> IssuerDetails:
    """The details printed on `invoice`: those it was issued with, when they named an account."""
    return payment_instructions(invoice).issuer


@dataclass(frozen=True)
class PaymentInstructions:
    """What a payer needs for one invoice: the amount and due date (on the invoice), the account, the reference."""

    invoice: Invoice
    issuer: IssuerDetails

    @property
    def reference(self) -> str:
        return self.issuer.payment_reference(self.invoice)


def payment_instructions(invoice: Invoice, current: IssuerDetails | None = None) -> PaymentInstructions:
    """`current`: the current details, read once by a caller listing several invoices."""
    if invoice.issuer and invoice.issuer.get("name"):
        kept = IssuerDetails.from_dict(invoice.issuer)
        if kept.can_be_paid:
            return PaymentInstructions(invoice, kept)
    return PaymentInstructions(invoice, current or current_issuer())
