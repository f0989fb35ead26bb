"""Forms of the facility pages. They check shapes; the rules live in services.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from iasios.accounts.language import language_choices
from iasios.accounts.roles import FacilityRoleName
from iasios.facilities.countries import COUNTRIES
from iasios.facilities.services import JOIN_ROLES, NewAccount, Person, RegistrationInput
from iasios.standards.programme import ProgrammeSettings


class AccountForm(forms.Form):
    """Only for a registrant who is not logged in."""

    account_name = forms.CharField(
        label=_("Your full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(label=_("Your e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
        help_text=_("At least 10 characters."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}, render_value=True),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data

    def account(self) -> NewAccount:
        d = self.cleaned_data
        return NewAccount(name=d["account_name"], email=d["email"], password=d["password1"])


class FacilityForm(forms.Form):
    name = forms.CharField(
        label=_("Facility name"), max_length=200, help_text=_("E.g. “Interventional Oncology Unit”.")
    )
    independent = forms.BooleanField(label=_("Independent facility (not part of a larger institution)"), required=False)
    institution = forms.CharField(
        label=_("Parent institution"),
        max_length=200,
        required=False,
        help_text=_("The hospital or university the service belongs to."),
    )
    address = forms.CharField(
        label=_("Address"), max_length=300, widget=forms.TextInput(attrs={"autocomplete": "street-address"})
    )
    city = forms.CharField(
        label=_("City"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "address-level2"})
    )
    country = forms.ChoiceField(label=_("Country"), choices=[("", _("Choose a country")), *COUNTRIES])
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
        help_text=_("Optional, for the map of the public registry. E.g. 50.8798."),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
        help_text=_("E.g. 4.7005."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("independent") and not (data.get("institution") or "").strip():
            self.add_error("institution", _("Name the parent institution, or tick “independent facility”."))
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.errors.get("latitude"):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return data


class VolumeForm(forms.Form):
    """One number per therapeutic category of the current programme settings; `labels` gives the
    categories' labels in the reader's language (the English of the settings where missing)."""

    def __init__(
        self, *args: Any, programme: ProgrammeSettings, labels: dict[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme
        for code, label in programme.procedure_categories:
            self.fields[f"volume_{code}"] = forms.IntegerField(
                label=(labels or {}).get(code, label),
                min_value=0,
                max_value=1_000_000,
                required=False,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )

    def volumes(self) -> dict[str, int]:
        return {
            code: int(self.cleaned_data.get(f"volume_{code}") or 0)
            for code, _label in self.programme.procedure_categories
        }


class ApprovalForm(forms.Form):
    approver_name = forms.CharField(label=_("Approver's name"), max_length=150)
    approver_role = forms.CharField(
        label=_("Approver's role"), max_length=150, help_text=_("Head of department or hospital director.")
    )
    approval_attested = forms.BooleanField(
        label=_("I confirm that this person approved the application for accreditation."),
        error_messages={"required": _("Confirm the approval to register.")},
    )


class PeopleForm(forms.Form):
    representative_is_me = forms.BooleanField(label=_("That's me: I am the authorised representative"), required=False)
    representative_name = forms.CharField(label=_("Representative's name"), max_length=150, required=False)
    representative_email = forms.EmailField(label=_("Representative's e-mail"), required=False)
    representative_phone = forms.CharField(
        label=_("Representative's phone"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    contact_is_me = forms.BooleanField(label=_("That's me: I am the contact person"), required=False)
    contact_name = forms.CharField(label=_("Contact person's name"), max_length=150, required=False)
    contact_email = forms.EmailField(label=_("Contact person's e-mail"), required=False)
    contact_phone = forms.CharField(
        label=_("Contact person's phone"),
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Both ticks are fine: in a small service one person is representative and contact person.
        for prefix in ("representative", "contact"):
            if data.get(f"{prefix}_is_me"):
                continue
            for part in ("name", "email"):
                key = f"{prefix}_{part}"
                if not data.get(key) and key not in self.errors:
                    self.add_error(key, _("Fill this in, or tick “That's me”."))
        return data

    def people(self, me_name: str, me_email: str) -> tuple[Person, Person]:
        d = self.cleaned_data

        def person(prefix: str) -> Person:
            if d.get(f"{prefix}_is_me"):
                return Person(name=me_name, email=me_email, phone=d[f"{prefix}_phone"])
            return Person(name=d[f"{prefix}_name"], email=d[f"{prefix}_email"], phone=d[f"{prefix}_phone"])

        return person("representative"), person("contact")


class ConsentForm(forms.Form):
    listed_publicly = forms.BooleanField(
        label=_("List our service on the public registry once it holds a seal."),
        required=False,
        help_text=_("Name, city and country are shown with the seal. You can change this later."),
    )


def registration_input(
    facility: FacilityForm,
    volumes: VolumeForm,
    approval: ApprovalForm,
    people: PeopleForm,
    consent: ConsentForm,
    *,
    me_name: str,
    me_email: str,
) -> RegistrationInput:
    f = facility.cleaned_data
    representative, contact = people.people(me_name, me_email)
    return RegistrationInput(
        name=f["name"],
        institution=f.get("institution") or "",
        independent=bool(f.get("independent")),
        address=f["address"],
        city=f["city"],
        country=f["country"],
        website=f.get("website") or "",
        latitude=f.get("latitude"),
        longitude=f.get("longitude"),
        volumes=volumes.volumes(),
        approver_name=approval.cleaned_data["approver_name"],
        approver_role=approval.cleaned_data["approver_role"],
        approval_attested=bool(approval.cleaned_data["approval_attested"]),
        representative=representative,
        contact=contact,
        listed_publicly=bool(consent.cleaned_data.get("listed_publicly")),
    )


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Facility code"),
        max_length=40,
        help_text=_("Ask your authorised representative or contact person. Dashes and spaces do not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class ApproveForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=[(r.value, r.label) for r in JOIN_ROLES], initial=FacilityRoleName.CONTRIBUTOR
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=500, required=False)


class HandoverForm(forms.Form):
    member = forms.ChoiceField(label=_("New authorised representative"))
    previous_holder_role = forms.ChoiceField(
        label=_("The previous representative becomes"),
        choices=[
            (FacilityRoleName.CONTACT_PERSON.value, FacilityRoleName.CONTACT_PERSON.label),
            (FacilityRoleName.CONTRIBUTOR.value, FacilityRoleName.CONTRIBUTOR.label),
        ],
    )

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [  # type: ignore[attr-defined]
            (str(m.pk), f"{m.user} ({m.get_role_display()})")
            for m in members
            if m.role != FacilityRoleName.AUTHORISED_REPRESENTATIVE
        ]


class ConfirmForm(forms.Form):
    sponsor = forms.CharField(
        label=_("Sponsor (optional)"),
        max_length=200,
        required=False,
        help_text=_("When a grant or another body pays the enrolment invoice, its name; it becomes the payer."),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("E-mailed to the registrant.")
    )


class FormGroup:
    """The forms of one page as one target for `refusal_on`: a refusal naming a field goes to the
    form that has it, any other above the first form."""

    def __init__(self, members: list[forms.Form]) -> None:
        self.forms = members

    @property
    def fields(self) -> dict[str, Any]:
        return {name: field for form in self.forms for name, field in form.fields.items()}

    def add_error(self, field: str | None, error: Any) -> None:
        target = next((f for f in self.forms if field is not None and field in f.fields), None)
        if target is None:
            self.forms[0].add_error(None, error)
        else:
            target.add_error(field, error)


class FacilityLanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of letters and certificates"),
        help_text=_("Letters, invoices and the certificate (with the English wording beneath) are in this language."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()  # type: ignore[attr-defined]
