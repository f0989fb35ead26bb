"""Forms of the committee, the facility and the office. Validation of rules lives in services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from iasios.decisions.models import AppealStatus, Outcome


class VoteForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Your vote"), choices=Outcome.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(
        label=_("Conditions"),
        required=False,
        help_text=_("One a line. Conditions of the outcome that wins are recorded in the decision."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    areas = forms.CharField(
        label=_("Areas to amend"),
        required=False,
        max_length=300,
        help_text=_("For “areas to amend”: the requirement references to reopen, e.g. “1c 4b”; none: those flagged."),
    )

    def __init__(self, *args: Any, outcomes: Iterable[str] | None = None, **kwargs: Any) -> None:
        """`outcomes`: the ones the cycle allows (`selectors.allowed_outcomes`); only those are offered."""
        super().__init__(*args, **kwargs)
        if outcomes is not None:
            offered = set(outcomes)
            self.fields["outcome"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in Outcome.choices if value in offered
            ]


class AppealForm(forms.Form):
    grounds = forms.CharField(label=_("Grounds of the appeal"), widget=forms.Textarea(attrs={"rows": 8}))
    documents: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Supporting documents"),
        required=False,
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From your evidence library; upload new documents there first."),
    )

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]


class AppealDecisionForm(forms.Form):
    result = forms.ChoiceField(
        label=_("The panel's finding"),
        choices=[
            (AppealStatus.UPHELD, _("Upheld: the decision is set aside")),
            (AppealStatus.DISMISSED, _("Dismissed: the decision stands")),
        ],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 5}))


class PanelMemberField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        roles = ", ".join(str(role.get_role_display()) for role in obj.programme_role_set.all())
        return f"{obj} · {roles}"


class AppealPanelForm(forms.Form):
    members = PanelMemberField(
        label=_("Panel members"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Committee members who took no part in the decision, or members for appeals only."),
    )

    def __init__(self, *args: Any, candidates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = candidates  # type: ignore[attr-defined]


class CorrectiveActionForm(forms.Form):
    description = forms.CharField(label=_("Corrective action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label=_("Owner at the facility"), max_length=150, help_text=_("A name or a role."))
    due_on = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))


class VerifyForm(forms.Form):
    note = forms.CharField(label=_("Verification note"), widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
