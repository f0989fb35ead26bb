from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from iasios.casereview.services import REASON_MAX_LENGTH


class LogUploadForm(forms.Form):
    period_start = forms.DateField(
        label=_("First day of the review period"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The log covers the procedures from this day on, for the period the programme sets."),
    )
    file = forms.FileField(
        label=_("Procedure log (CSV)"),
        help_text=_("Columns case_reference, procedure_date (YYYY-MM-DD) and category. Pseudonyms only."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
    discard_reviews = forms.BooleanField(
        label=_("Discard the current sample and its reviews"),
        required=False,
        help_text=_("Needed only when cases have already been reviewed."),
    )


class ExcludeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for excluding this case"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the file cannot be found, or the procedure was diagnostic only. No patient identity."),
    )
