from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from iasios.notifications.kinds import optional_kinds


class PreferencesForm(forms.Form):
    """One checkbox per optional kind: ticked means "e-mail me"."""

    emailed = forms.MultipleChoiceField(label=_("E-mail me about"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["emailed"].choices = [(kind.prefix, kind.label) for kind in optional_kinds()]  # type: ignore[attr-defined]
