from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class VersionDiffForm(forms.Form):
    """Pick two loaded versions of one framework to compare."""

    from_version = forms.ChoiceField(label=_("From version"))
    to_version = forms.ChoiceField(label=_("To version"))

    def __init__(self, *args: Any, versions: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name in ("from_version", "to_version"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(v, v) for v in versions]

    def add_prefix(self, field_name: str) -> str:
        # The query string reads ?from=…&to=…
        return {"from_version": "from", "to_version": "to"}.get(field_name, field_name)
