"""Forms of the pages that move a cycle: the signature, the office's reasons, the aim of a
re-certification, the committee's vote with its areas to amend.

The services decide; a form only carries what the person typed (the declaration's tick is
checked by `cycle_submit`, so the one refusal says what is missing)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from iasios.applications.models import Cycle, CycleAim
from iasios.decisions.forms import VoteForm
from iasios.decisions.models import Outcome
from iasios.standards.models import Requirement


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


class AreasWidget(forms.CheckboxSelectMultiple):
    """The requirements to amend: those the assessors flagged (ticked at first), then the others
    folded away, each with its reference, tier and the start of its text."""

    template = "decisions/_vote_areas.html"

    def __init__(
        self, *args: Any, requirements: Sequence[Requirement] = (), flagged: Iterable[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.requirements = list(requirements)
        self.flagged = set(flagged)

    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        ticked = set(value or [])
        flagged = [r for r in self.requirements if r.pk in self.flagged]
        others = [r for r in self.requirements if r.pk not in self.flagged]

        def rows(requirements: list[Requirement]) -> list[dict[str, Any]]:
            return [
                {"requirement": r, "id": f"id_{name}_{r.reference}", "checked": r.reference in ticked}
                for r in requirements
            ]

        context = {
            "name": name,
            "flagged": rows(flagged),
            "others": rows(others),
            "others_open": any(r.reference in ticked for r in others),
        }
        return mark_safe(render_to_string(self.template, context))  # noqa: S308 (an escaped template)


class CommitteeVoteForm(VoteForm):
    """The vote with the areas to amend as a list of the framework's requirements: the assessors'
    flagged ones ticked at first (core first), the committee ticks or unticks any. The vote
    records the whole list it names (docs/decisions/0026)."""

    areas = forms.MultipleChoiceField(  # type: ignore[assignment]
        label=_("Areas to amend"),
        required=False,
        help_text=_(
            "For “areas to amend”: only the ticked requirements reopen; every other answer is carried "
            "into the next revision unchanged. The assessors' flagged requirements are ticked at first."
        ),
    )

    def __init__(self, *args: Any, cycle: Cycle, flagged: Iterable[Any], **kwargs: Any) -> None:
        flagged = list(flagged)
        requirements = sorted(
            Requirement.objects.filter(framework_id=cycle.framework_id).select_related("standard"),
            key=lambda r: (not r.core, r.position),
        )
        initial = kwargs.get("initial") or {}
        by_pk = {r.pk: r.reference for r in requirements}
        if initial.get("areas") and initial.get("outcome") == Outcome.AREAS_TO_AMEND:
            initial["areas"] = initial["areas"].split()
        else:
            initial["areas"] = [by_pk[pk] for pk in flagged if pk in by_pk]
        kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        field = self.fields["areas"]
        field.choices = [(r.reference, r.reference) for r in requirements]  # type: ignore[attr-defined]
        field.widget = AreasWidget(requirements=requirements, flagged=flagged)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") != Outcome.AREAS_TO_AMEND:
            data["areas"] = ""
        elif not data.get("areas"):
            self.add_error("areas", _("Tick at least one requirement the facility must amend."))
        else:
            data["areas"] = " ".join(data["areas"])
        return data
