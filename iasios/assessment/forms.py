"""Forms of the assessment pages. They only shape input: the rules live in services.py."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from iasios.assessment.models import Availability, Outcome, Rating, VisitKind
from iasios.facilities.countries import COUNTRIES


class DateInput(forms.DateInput):
    input_type = "date"


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("What the facility has to complete"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The facility sees this text and can change the application before submitting again."),
    )


class ProfileForm(forms.Form):
    user = forms.ChoiceField(label=_("Person"), help_text=_("People who hold the assessor role."))
    country = forms.ChoiceField(label=_("Country"), choices=[("", "—"), *COUNTRIES])
    institution = forms.CharField(label=_("Institution"), max_length=200)
    expertise_categories = forms.MultipleChoiceField(
        label=_("Procedure categories"), required=False, widget=forms.CheckboxSelectMultiple
    )
    expertise_note = forms.CharField(
        label=_("Other expertise"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    languages = forms.CharField(label=_("Languages"), required=False, max_length=200)
    availability = forms.ChoiceField(label=_("Availability"), choices=Availability.choices)
    availability_note = forms.CharField(label=_("Availability note"), required=False, max_length=300)

    def __init__(self, *args: Any, users: list[tuple[str, str]], categories: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["user"]).choices = [("", "—"), *users]
        cast(forms.ChoiceField, self.fields["expertise_categories"]).choices = categories


class AssignForm(forms.Form):
    assessor = forms.ChoiceField(label=_("Assessor"), widget=forms.RadioSelect)


class AcceptForm(forms.Form):
    no_conflict = forms.BooleanField(
        label=_(
            "I have no conflict of interest with this facility: I do not work for it or its institution, "
            "have no financial or personal ties to it, and have not advised it on this application."
        ),
        required=False,
    )
    interests = forms.CharField(
        label=_("Other interests to declare"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. a past collaboration or a talk at a meeting it organised. The office reads this."),
    )


class RatingForm(forms.Form):
    rating = forms.ChoiceField(label=_("Your rating"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required unless met: what is missing, or why it does not apply."),
    )


class EvidenceRequestForm(forms.Form):
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 4}))
    due_on = forms.DateField(label=_("Due"), widget=DateInput)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("Your answer"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    documents = forms.MultipleChoiceField(
        label=_("Evidence from your library"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The latest revision of each chosen document is attached."),
    )
    new_title = forms.CharField(label=_("New document title"), required=False, max_length=200)
    new_file = forms.FileField(label=_("Upload a new document"), required=False)

    def __init__(self, *args: Any, documents: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["documents"]).choices = documents


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=VisitKind.choices)
    starts_on = forms.DateField(label=_("First day"), widget=DateInput)
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput)
    visitors = forms.CharField(
        label=_("Visitors"), widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One per line: name and role.")
    )
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 5}))


class FindingForm(forms.Form):
    requirement = forms.ChoiceField(label=_("Requirement"))
    text = forms.CharField(label=_("Finding"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, requirements: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["requirement"]).choices = requirements


class OverrideForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome sent to the committee"), choices=Outcome.choices)
    reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the outcome differs from the rule engine's proposal."),
    )

    def __init__(self, *args: Any, outcomes: list[str] | None = None, **kwargs: Any) -> None:
        """`outcomes`: the outcomes the cycle allows (the committee's rule); all of them when not given."""
        super().__init__(*args, **kwargs)
        if outcomes is not None:
            cast(forms.ChoiceField, self.fields["outcome"]).choices = [
                (v, label) for v, label in Outcome.choices if v in outcomes
            ]
