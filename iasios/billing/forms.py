from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iasios.billing.iban import compact, validate_bic, validate_iban
from iasios.billing.models import PARTIALLY_PAID, ConsultationStatus, InvoiceKind, InvoiceStatus, Issuer


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, max_digits=12, decimal_places=2)
    paid_on = forms.DateField(label=_("Date received"), widget=DateInput)
    reference = forms.CharField(
        label=_("Reference"), max_length=120, help_text=_("The bank transfer or receipt reference.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})


class CreditNoteForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Shown on the credit note. The invoice is cancelled in full."),
    )


class ConsultationRequestForm(forms.Form):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    details = forms.CharField(
        label=_("What you would like to discuss"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )
    preferred_dates = forms.CharField(
        label=_("Preferred dates"), max_length=300, required=False, help_text=_("E.g. “any Tuesday in May”.")
    )


class ConsultationScheduleForm(forms.Form):
    scheduled_for = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class InvoiceFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *InvoiceStatus.choices, (PARTIALLY_PAID, _("Partially paid"))],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("Any kind")), *InvoiceKind.choices])
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None, choices=[])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("Any year")), *((y, str(y)) for y in years)]  # type: ignore[attr-defined]


class ConsultationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Open (requested or scheduled)")), *ConsultationStatus.choices],
    )


class IssuerForm(forms.ModelForm):  # type: ignore[type-arg]
    """The invoicing details; the IBAN's check digits are verified. Spaces in IBAN and BIC are dropped."""

    iban = forms.CharField(
        label=_("IBAN"),
        max_length=50,
        validators=[validate_iban],
        help_text=_("Spaces are fine; the check digits are verified."),
    )
    bic = forms.CharField(label=_("BIC"), max_length=20, validators=[validate_bic], help_text=_("8 or 11 characters."))

    class Meta:
        model = Issuer
        fields = ["name", "address", "vat_number", "email", "bank_name", "iban", "bic", "payment_reference_prefix"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def clean_iban(self) -> str:
        return compact(self.cleaned_data["iban"])

    def clean_bic(self) -> str:
        return compact(self.cleaned_data["bic"])
