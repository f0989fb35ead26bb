"""One way to refuse: the errors services and guards raise, and the two ways pages show them.

A service or a state machine's guard that will not do what it was asked raises a `Refusal`:

- `Conflict` (409): the object is not in a state that allows it (a state machine's
  `TransitionNotAllowed` is one);
- `NotPermitted` (403): this person may not do it (also a Django `PermissionDenied`, so a page
  that does not catch it answers 403);
- `Invalid` (422): the data is not acceptable; `field` names the form field or API field at
  fault (also a Django `ValidationError`, so forms and model validation treat it as one).

Pages never catch these one by one: `refusal_on(form)` puts a refusal (or a Django
`ValidationError`) on a form, `refusal_as_message(request)` turns it into a message on the next
page; the API maps every `Refusal` to its error shape with `status` and `code`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.functional import Promise


class Refusal(Exception):
    """A service will not do what it was asked; `message` says why, in words for the user."""

    status = 409
    code = "not_allowed"

    def __init__(self, message: str | Promise = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field

    def __str__(self) -> str:
        return self.message


class Conflict(Refusal):
    """The object's state does not allow it now (a transition from the wrong state, a guard)."""


class NotPermitted(Refusal, PermissionDenied):
    """This person may not do it."""

    status = 403
    code = "forbidden"


class Invalid(Refusal, ValidationError):  # type: ignore[misc]  # both keep a `message`; Refusal's wins
    """The data given is not acceptable; `field` names the field at fault, if one is."""

    status = 422
    code = "invalid"

    def __init__(self, message: str | Promise = "", *, field: str | None = None) -> None:
        ValidationError.__init__(self, {field: [message]} if field else str(message), code=self.code)
        Refusal.__init__(self, message, field=field)
        self.code = type(self).code


def field_errors(exc: Exception) -> list[tuple[str | None, str]]:
    """(field or None, message) pairs of a refusal or a Django ValidationError."""
    if isinstance(exc, Refusal) and not isinstance(exc, Invalid):
        return [(exc.field, exc.message)]
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [
                (None if name == "__all__" else name, str(m)) for name, msgs in exc.message_dict.items() for m in msgs
            ]
        return [(None, str(m)) for m in exc.messages]
    return [(None, str(exc))]


def add_refusal(form: Any, exc: Exception) -> None:
    """Put a refusal on `form`: on its field when the form has that field, else above the form."""
    for name, message in field_errors(exc):
        form.add_error(name if name in form.fields else None, message)


@contextmanager
def refusal_on(form: Any) -> Iterator[None]:
    """Run a service for a form; a refusal goes onto the form and the code after the block runs.

    with refusal_on(form):
        services.thing_do(...)
        return redirect(...)
    return render(request, "page.html", {"form": form})  # with the refusal on the form
    """
    try:
        yield
    except (Refusal, ValidationError) as exc:
        if isinstance(exc, NotPermitted):
            raise
        add_refusal(form, exc)


@contextmanager
def refusal_as_message(request: HttpRequest) -> Iterator[None]:
    """Run a button's service; a refusal becomes an error message on the next page.

    with refusal_as_message(request):
        services.thing_do(...)
        messages.success(request, _("Done."))
    return redirect(...)
    """
    try:
        yield
    except (Refusal, ValidationError) as exc:
        if isinstance(exc, NotPermitted):
            raise
        for _name, message in field_errors(exc):
            messages.error(request, message)
