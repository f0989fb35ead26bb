"""One way to refuse: the refusal family, the form and message helpers, the API's mapping."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory

from iasios.api.api import api
from iasios.core.refusals import Conflict, Invalid, NotPermitted, Refusal, refusal_as_message, refusal_on
from iasios.core.statemachine import TransitionNotAllowed


class NameForm(forms.Form):
    name = forms.CharField()


def _form() -> NameForm:
    form = NameForm({"name": "Centre"})
    assert form.is_valid()
    return form


def _request() -> Any:
    request = RequestFactory().post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


def test_the_family_is_also_djangos_own_errors() -> None:
    assert issubclass(TransitionNotAllowed, Conflict)
    assert issubclass(NotPermitted, PermissionDenied)
    assert issubclass(Invalid, ValidationError)
    assert (Conflict.status, NotPermitted.status, Invalid.status) == (409, 403, 422)
    invalid = Invalid("Too long.", field="name")
    assert invalid.message_dict == {"name": ["Too long."]}
    assert str(invalid) == "Too long."


@pytest.mark.parametrize(
    ("exc", "field_errors", "form_errors"),
    [
        (Invalid("Use the hospital's name.", field="name"), ["Use the hospital's name."], []),
        (Invalid("Not a field of this form.", field="other"), [], ["Not a field of this form."]),
        (Conflict("The application is already submitted."), [], ["The application is already submitted."]),
        (ValidationError({"name": ["Taken."]}), ["Taken."], []),
        (ValidationError("Plain."), [], ["Plain."]),
    ],
)
def test_refusal_on_puts_the_refusal_on_the_form(
    exc: Exception, field_errors: list[str], form_errors: list[str]
) -> None:
    form = _form()
    reached_after = False
    with refusal_on(form):
        raise exc
    reached_after = True
    assert reached_after
    assert form.errors.get("name", []) == field_errors
    assert list(form.non_field_errors()) == form_errors


def test_refusal_on_runs_the_block_to_its_end_without_a_refusal() -> None:
    form = _form()
    done = []
    with refusal_on(form):
        done.append("service")
    assert done == ["service"]
    assert not form.errors


def test_who_may_not_is_never_swallowed() -> None:
    with pytest.raises(NotPermitted), refusal_on(_form()):
        raise NotPermitted("Only the representative signs.")
    with pytest.raises(NotPermitted), refusal_as_message(_request()):
        raise NotPermitted("Only the office.")


def test_refusal_as_message_turns_it_into_an_error_message() -> None:
    request = _request()
    with refusal_as_message(request):
        raise TransitionNotAllowed("Not from this state.")
    assert [str(m) for m in get_messages(request)] == ["Not from this state."]


@pytest.mark.parametrize(
    ("exc", "status", "code", "fields"),
    [
        (Conflict("Already submitted."), 409, "not_allowed", []),
        (TransitionNotAllowed("Not now."), 409, "not_allowed", []),
        (NotPermitted("Only the office."), 403, "forbidden", []),
        (Invalid("Too long.", field="name"), 422, "invalid", [{"field": "name", "reason": "Too long."}]),
        (Invalid("Bad."), 422, "invalid", []),
    ],
)
def test_the_api_maps_every_refusal_to_its_status(exc: Refusal, status: int, code: str, fields: list[Any]) -> None:
    import json

    request = RequestFactory().get("/api/v1/me")
    response = api.on_exception(request, exc)
    assert response.status_code == status
    body = json.loads(response.content)["error"]
    assert (body["code"], body["message"], body["fields"]) == (code, exc.message, fields)
