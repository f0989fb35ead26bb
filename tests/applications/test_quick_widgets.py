"""The answer form's quick widgets write the HTML Django's own widget templates write, character
for character: values, ids, attributes, the chosen option, escaping."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django import forms

from iasios.applications.forms import AnswerForm, QuickHiddenInput, QuickSelect, QuickTextarea


@dataclass
class Person:
    pk: str
    name: str

    def __str__(self) -> str:
        return self.name


TEAM = [Person("7", 'Ann "A" <b>O\'Neil</b> & co'), Person("9", "Bob")]
STOCK = {QuickSelect: forms.Select, QuickTextarea: forms.Textarea, QuickHiddenInput: forms.HiddenInput}


def _both(form: forms.Form) -> list[tuple[str, str]]:
    """Each field as the quick widget renders it and as Django's own widget class renders it."""
    pairs = []
    for bound in form:
        quick = str(bound)
        widget = bound.field.widget
        stock_class = STOCK[type(widget)]
        original = widget.render
        widget.render = lambda *args, _w=widget, _c=stock_class, **kwargs: _c.render(_w, *args, **kwargs)  # type: ignore[method-assign]
        try:
            stock = str(bound)
        finally:
            widget.render = original  # type: ignore[method-assign]
        pairs.append((quick, stock))
    return pairs


@pytest.mark.parametrize(
    "initial",
    [
        {},
        {"claim": "met", "na_reason": "", "narrative": 'Line 1\nLine <2> & "3"', "assignee": "7", "revision": 4},
        {
            "claim": "not_applicable",
            "na_reason": "We refer <all> cases",
            "narrative": "x",
            "assignee": "",
            "revision": 0,
        },
    ],
)
def test_the_same_html_as_djangos_widgets(initial: dict[str, Any]) -> None:
    form = AnswerForm(initial=initial, team=TEAM, auto_id="a-123-%s")
    for quick, stock in _both(form):
        assert quick == stock


def test_the_same_html_for_posted_data_with_errors() -> None:
    form = AnswerForm({"claim": "nonsense", "revision": "-1", "narrative": "<script>"}, team=TEAM, auto_id="a-1-%s")
    assert not form.is_valid()
    for quick, stock in _both(form):
        assert quick == stock
