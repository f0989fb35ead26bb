"""Invoices, payments, credit notes, consultations and the gapless number counters.

An issued invoice is a legal document: its number, dates, payer, lines and total never change.
Only its status moves (through `lifecycles.INVOICE_LIFECYCLE`); mistakes are corrected by a
credit note, never by an edit. Amounts paid are derived from the payments, not stored on the
invoice, so recording a payment does not touch the invoice row either.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from iasios.billing.iban import validate_bic, validate_iban
from iasios.core.models import BaseModel
from iasios.facilities.models import Facility

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class ImmutableRecord(Exception):
    """An issued document (invoice, line, payment, credit note) was about to be changed."""


class InvoiceKind(models.TextChoices):
    ENROLMENT = "enrolment", _("Enrolment")
    ANNUAL = "annual", _("Annual fee")
    CONSULTATION = "consultation", _("Consultation")


class InvoiceStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


# Not a stored state: an issued invoice with payments short of its total. Lists filter on it.
PARTIALLY_PAID = "partially_paid"


class PayerKind(models.TextChoices):
    FACILITY = "facility", _("The facility")
    SPONSOR = "sponsor", _("A sponsor")


class NumberSeries(models.TextChoices):
    INVOICE = "invoice", _("Invoices")
    CREDIT_NOTE = "credit_note", _("Credit notes")


def _paid_subquery() -> Coalesce:
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk"))
        .order_by()
        .values("invoice")
        .annotate(s=Sum("amount"))
        .values("s")
    )
    money = DecimalField(max_digits=12, decimal_places=2)
    return Coalesce(Subquery(paid, output_field=money), Value(ZERO), output_field=money)


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def with_paid(self) -> InvoiceQuerySet:
        """Annotate `paid_amount`: the sum of the payments (one subquery, no join fan-out)."""
        return self.annotate(paid_amount=_paid_subquery())

    def open(self) -> InvoiceQuerySet:
        return self.filter(status=InvoiceStatus.ISSUED)

    def overdue(self, today: Any = None) -> InvoiceQuerySet:
        return self.open().filter(due_on__lt=today or timezone.localdate())

    def update(self, **kwargs: Any) -> int:
        frozen = set(kwargs) - Invoice.MUTABLE_FIELDS
        if frozen:
            raise ImmutableRecord(_("Issued invoices never change; issue a credit note instead."))
        return super().update(**kwargs)


class Issuer(BaseModel):
    """The programme body as its invoices name it: who is paid, where, quoting what.

    One row, edited by the office (`/office/billing/issuer/`). Each invoice keeps a copy of it as
    it stood at issue (`Invoice.issuer`), so a later change of bank never alters an issued invoice.
    """

    # Keeps the table to one row: every row would need the same value.
    singleton = models.BooleanField(default=True, unique=True, editable=False)
    name = models.CharField(_("issuer name"), max_length=200)
    address = models.TextField(_("address"), help_text=_("Street, postcode and city, country; one per line."))
    vat_number = models.CharField(_("VAT number"), max_length=40, blank=True)
    email = models.EmailField(_("billing e-mail"), blank=True)
    bank_name = models.CharField(_("bank"), max_length=120, blank=True)
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    bic = models.CharField(_("BIC"), max_length=11, validators=[validate_bic])
    payment_reference_prefix = models.CharField(
        _("payment reference prefix"),
        max_length=20,
        blank=True,
        help_text=_("Put before the invoice number in the reference the payer quotes, e.g. “IOA”."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("invoice issuer")

    def __str__(self) -> str:
        return self.name


class Invoice(BaseModel):
    # The only fields that change after issue, and only through the invoice lifecycle.
    MUTABLE_FIELDS = frozenset({"status", "settled_on", "updated_at"})

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="invoices")
    kind = models.CharField(_("kind"), max_length=20, choices=InvoiceKind.choices)
    number = models.CharField(_("number"), max_length=20, unique=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    currency = models.CharField(_("currency"), max_length=3)
    total = models.DecimalField(_("total"), max_digits=12, decimal_places=2)
    payer_kind = models.CharField(_("payer"), max_length=10, choices=PayerKind.choices, default=PayerKind.FACILITY)
    # The payer as it stood at issue (a later rename of the facility does not change the invoice).
    payer_name = models.CharField(_("payer name"), max_length=200)
    payer_address = models.TextField(_("payer address"), blank=True)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.ISSUED, editable=False
    )
    settled_on = models.DateField(_("settled on"), null=True, blank=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The issuer's details (billing.issuer.IssuerDetails) as they stood at issue.
    issuer = models.JSONField(_("issuer"), default=dict, blank=True, editable=False)
    # Not stored: set by the office's lists for the row's payment form (views_office.mark_payable).
    can_record_payment: bool = False

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = _("invoice")
        constraints = [
            # One live invoice per facility, kind and membership period: the sweep can run any
            # number of times (or twice at once) and still bill a period once. A cancelled
            # invoice frees the period so the office can re-issue it (e.g. to a sponsor).
            models.UniqueConstraint(
                fields=["facility", "kind", "period_start"],
                condition=~Q(status=InvoiceStatus.CANCELLED) & Q(period_start__isnull=False),
                name="one_live_invoice_per_period",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="invoice_total_not_negative"),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            update_fields = kwargs.get("update_fields")
            if update_fields is None or set(update_fields) - self.MUTABLE_FIELDS:
                raise ImmutableRecord(_("Issued invoices never change; issue a credit note instead."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(_("Issued invoices are never deleted; issue a credit note instead."))

    @property
    def paid(self) -> Decimal:
        value = getattr(self, "paid_amount", None)
        if value is None:
            value = self.payments.aggregate(s=Sum("amount"))["s"] or ZERO
            self.paid_amount = value
        return Decimal(value).quantize(CENT)

    @property
    def balance(self) -> Decimal:
        if self.status == InvoiceStatus.CANCELLED:
            return ZERO
        return self.total - self.paid

    @property
    def is_open(self) -> bool:
        """Issued and not yet paid or cancelled: the facility has it to pay."""
        return self.status == InvoiceStatus.ISSUED

    @property
    def is_paid(self) -> bool:
        return self.status == InvoiceStatus.PAID

    @property
    def is_partially_paid(self) -> bool:
        return self.status == InvoiceStatus.ISSUED and ZERO < self.paid < self.total

    def is_overdue(self, today: Any = None) -> bool:
        return self.status == InvoiceStatus.ISSUED and self.due_on < (today or timezone.localdate())

    def days_overdue(self, today: Any = None) -> int:
        return max(0, ((today or timezone.localdate()) - self.due_on).days)

    @property
    def display_status(self) -> str:
        """Issued, partially paid, paid or cancelled: partially paid is derived from payments."""
        if self.is_partially_paid:
            return str(_("Partially paid"))
        return str(self.get_status_display())

    @property
    def status_badge(self) -> str:
        if self.status == InvoiceStatus.PAID:
            return "ok"
        if self.status == InvoiceStatus.CANCELLED:
            return "muted"
        return "warn"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [models.UniqueConstraint(fields=["invoice", "position"], name="unique_invoice_line_position")]

    def __str__(self) -> str:
        return self.description

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord(_("Lines of an issued invoice never change."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(_("Lines of an issued invoice never change."))


class Payment(BaseModel):
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("reference"), max_length=120)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-paid_on", "-created_at"]
        verbose_name = _("payment")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive")]

    def __str__(self) -> str:
        return f"{self.amount} · {self.reference}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord(_("Recorded payments never change."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(_("Recorded payments never change."))


class CreditNote(BaseModel):
    """Cancels one invoice in full. Only an invoice with nothing paid can be credited."""

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="credit_note")
    number = models.CharField(_("number"), max_length=24, unique=True)
    issued_on = models.DateField(_("issued on"))
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    reason = models.TextField(_("reason"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_on", "-number"]
        verbose_name = _("credit note")

    def __str__(self) -> str:
        return self.number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecord(_("Issued credit notes never change."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord(_("Issued credit notes never change."))


class ConsultationStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    SCHEDULED = "scheduled", _("Scheduled")
    INVOICED = "invoiced", _("Invoiced")
    CANCELLED = "cancelled", _("Cancelled")


class Consultation(BaseModel):
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="consultations")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("topic"), max_length=200)
    details = models.TextField(_("what you would like to discuss"), blank=True)
    preferred_dates = models.CharField(_("preferred dates"), max_length=300, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ConsultationStatus.choices,
        default=ConsultationStatus.REQUESTED,
        editable=False,
    )
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True, editable=False)
    invoice = models.OneToOneField(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="consultation", editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation")

    def __str__(self) -> str:
        return self.topic

    @property
    def is_scheduled(self) -> bool:
        return self.status == ConsultationStatus.SCHEDULED
