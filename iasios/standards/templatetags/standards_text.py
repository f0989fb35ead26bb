"""The standards' texts in the reader's language, in templates: ``{% load standards_text %}``.

- ``{{ requirement|tr:"text" }}``: the text in the active language; where it is not translated,
  the English inside ``<span lang="en">`` (screen readers switch) followed by a small
  "English original" badge. Works for `title`, `notice`, `text`, `guidance` of any row of the
  standards tree (also inside ``{% blocktranslate with t=standard|tr:"title" %}``).
- ``{% for item in requirement|tr_list:"evidence" %}``: the evidence list, marked the same way
  (each item in English, the badge after the last one).
- ``{% tr_text requirement "text" words=14 %}`` / ``chars=90``: the same, shortened.
- ``{{ requirement|tr_plain:"text" }}``: the text only, English where missing (page titles).
- ``{{ framework|translation_notice }}``: the translation's own notice for the active language.
- ``{{ framework|category_label:code }}``: a procedure category's label, marked like `tr`.

English stays the binding text: an English page shows the rows as loaded, with no mark.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import truncatechars, truncatewords
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from iasios.standards.translations import ORIGINAL_LANGUAGE, TranslatedTexts

register = template.Library()


def original_mark() -> SafeString:
    return format_html(
        '<span class="badge badge-muted badge-original" title="{}">{}</span>',
        _("Not translated yet: the English original is shown, and the English text is the binding one."),
        _("English original"),
    )


def _marked(value: str, original: bool) -> SafeString:
    if not original:
        return conditional_escape(value)
    return format_html('<span lang="{}">{}</span> {}', ORIGINAL_LANGUAGE, value, original_mark())


@register.filter
def tr(obj: TranslatedTexts | None, field: str) -> SafeString | str:
    if obj is None:
        return ""
    value, original = obj.in_language(field)
    return _marked(str(value or ""), original)


@register.filter
def tr_plain(obj: TranslatedTexts | None, field: str) -> str:
    if obj is None:
        return ""
    return str(obj.text_in(field) or "")


@register.filter
def tr_list(obj: TranslatedTexts | None, field: str) -> list[SafeString]:
    if obj is None:
        return []
    values, original = obj.in_language(field)
    items = [str(v) for v in values or []]
    if not original:
        return [conditional_escape(v) for v in items]
    marked = [format_html('<span lang="{}">{}</span>', ORIGINAL_LANGUAGE, v) for v in items]
    if marked:
        marked[-1] = mark_safe(f"{marked[-1]} {original_mark()}")  # noqa: S308 (both parts escaped above)
    return marked


@register.simple_tag
def tr_text(obj: TranslatedTexts | None, field: str, words: int | None = None, chars: int | None = None) -> Any:
    if obj is None:
        return ""
    value, original = obj.in_language(field)
    text = str(value or "")
    if words:
        text = truncatewords(text, words)
    if chars:
        text = truncatechars(text, chars)
    return _marked(text, original)


@register.filter
def translation_notice(framework: TranslatedTexts | None) -> str:
    if framework is None:
        return ""
    return str(framework.translated_value("translation_notice", ""))


@register.filter
def category_label(framework: Any, code: str) -> SafeString | str:
    if framework is None:
        return code
    english = dict(framework.settings.procedure_categories).get(code, code)
    texts = framework.language_texts(None)
    if texts is None:  # an English page
        return conditional_escape(english)
    translated = (texts.get("procedure_categories") or {}).get(code)
    return conditional_escape(translated) if translated else _marked(english, True)
