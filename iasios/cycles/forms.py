"""Forms of the pages that move a cycle: the signature, the office's reasons, the aim of a re-certification.

The services decide; a form only carries what the person typed (the declaration's tick is
checked by `cycle_submit`, so the one refusal says what is missing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from iasios.applications.models import CycleAim


class SubmitForm(forms.Form):
    declaration = forms.BooleanField(
        label=_("I sign the declaration above."),
        required=False,
        widget=forms.CheckboxInput(attrs={"required": True}),
    )
    password = forms.CharField(
        label=_("Your password"), required=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, uses_code: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["password" if uses_code else "code"]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("What the facility has to fix before it submits again. The facility sees this text."),
    )


class RecertificationForm(forms.Form):
    aim = forms.ChoiceField(label=_("Aim"), choices=CycleAim.choices, widget=forms.RadioSelect)
