from __future__ import annotations

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from iasios.accounts.language import language_choices
from iasios.accounts.models import User


class SignupForm(AllauthSignupForm):
    name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"}))

    field_order = ["name", "email", "password1", "password2"]

    def save(self, request: HttpRequest) -> User:
        user: User = super().save(request)
        user.name = self.cleaned_data["name"].strip()
        user.save(update_fields=["name"])
        return user


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language"]
        labels = {"language": _("Language")}
        help_texts = {"language": _("The pages, your e-mails and your inbox are in this language.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        # The offered languages, each in its own name; a stored code no longer offered is not kept.
        self.fields["language"] = forms.ChoiceField(
            label=_("Language"),
            choices=language_choices(),
            help_text=self.fields["language"].help_text,
            widget=forms.Select(attrs={"autocomplete": "language"}),
        )
