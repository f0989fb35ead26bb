"""Forms of the application pages. They only shape and check input; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from iasios.applications.models import Claim, EvidenceDocument

# ----------------------------------------------------------------------------- quick widgets
# The standard page shows a form per requirement, five inputs each: Django renders every input and
# every <option> through the template engine, which was most of that page's time. These widgets
# write the same HTML, character for character (tests/applications/test_quick_widgets.py), from
# the same context (get_context: names, ids, values, attributes, the options and which is chosen).


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        html = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                html.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            html.extend(
                f'\n  <option value="{conditional_escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"  # the option template's own line end
                for option in group_choices
            )
            if group_name:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))  # noqa: S308 (every value above is escaped)


class QuickTextarea(forms.Textarea):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        text = conditional_escape(widget["value"]) if widget["value"] else ""
        return mark_safe(  # noqa: S308 (every value is escaped)
            f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n{text}</textarea>'
        )


class QuickHiddenInput(forms.HiddenInput):
    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = "" if widget["value"] is None else f' value="{conditional_escape(widget["value"])}"'
        start = f'<input type="{widget["type"]}" name="{conditional_escape(widget["name"])}"'
        return mark_safe(f"{start}{shown}{_attrs(widget['attrs'])}>")  # noqa: S308 (every value is escaped)


class AnswerForm(forms.Form):
    claim = forms.ChoiceField(
        label=_("Your claim"),
        choices=[("", _("— not answered yet —")), *Claim.choices],
        required=False,
        widget=QuickSelect,
    )
    na_reason = forms.CharField(
        label=_("Why it does not apply"), required=False, widget=QuickTextarea(attrs={"rows": 2})
    )
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        widget=QuickTextarea(attrs={"rows": 6}),
        help_text=_("How your service meets the requirement. Markdown: **bold**, *italic*, lists, links."),
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False, widget=QuickSelect)
    revision = forms.IntegerField(widget=QuickHiddenInput, min_value=0)

    def __init__(self, *args: Any, team: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assignee = self.fields["assignee"]
        assert isinstance(assignee, forms.ChoiceField)
        assignee.choices = [("", _("— nobody —")), *((str(u.pk), str(u)) for u in team)]


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), max_length=5000)


class LinkForm(forms.Form):
    document = forms.ModelChoiceField(label=_("Evidence document"), queryset=EvidenceDocument.objects.none())

    def __init__(self, *args: Any, documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["document"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = documents


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class DocumentFieldsMixin(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Left empty: the file's name.")
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    effective_on = forms.DateField(
        label=_("Takes effect on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    available_on_request = forms.BooleanField(
        label=_("Available on request (no file uploaded)"),
        required=False,
        help_text=_("The document exists and will be shown to the assessors when they ask."),
    )


class EvidenceUploadForm(DocumentFieldsMixin):
    # The field is named like the form's `files` attribute on purpose (the API uses the same
    # name); Django moves declared fields off the class, so the attribute is untouched.
    files = MultipleFileField(  # type: ignore[assignment]
        label=_("Files"),
        required=False,
        help_text=_("One or more files. With several files, each becomes its own document, titled by its name."),
    )
    field_order = ["files", "title", "description", "effective_on", "expires_on", "available_on_request"]


class DocumentForm(DocumentFieldsMixin):
    title = forms.CharField(label=_("Title"), max_length=200)


class RevisionForm(forms.Form):
    file = forms.FileField(label=_("New file"))


class ConfirmForm(forms.Form):
    answer_ids = forms.CharField(required=False)
