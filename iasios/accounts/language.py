"""Which language a person sees: profile > cookie > Accept-Language (docs/decisions/0030).

- Visitors: Django's `LocaleMiddleware` picks the cookie (set by the switcher), else the
  browser's Accept-Language, else the site's default.
- Signed-in people: `UserLanguageMiddleware` (after the authentication middleware) activates
  their profile's language on every request, so it follows them to any browser and is restored on
  sign-in. The switcher saves their choice to the profile and to the cookie.
- A new account starts with the language the visitor was seeing (cookie or Accept-Language).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language


def supported_language(code: str | None) -> str | None:
    """The offered language for `code` (e.g. "de-AT" -> "de"), or None when none fits."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_choices() -> list[tuple[str, str]]:
    """(code, the language's own name): the switcher and the profile list each language in itself."""
    choices = []
    for code, _name in settings.LANGUAGES:
        try:
            own = translation.get_language_info(code)["name_local"]
        except KeyError:
            own = str(_name)
        choices.append((code, own))
    return choices


def request_language(request: HttpRequest) -> str:
    """The language a visitor is reading in (cookie, then Accept-Language, then the default)."""
    return supported_language(translation.get_language_from_request(request)) or str(settings.LANGUAGE_CODE)


class UserLanguageMiddleware:
    """A signed-in person's profile language wins over the cookie and the browser."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = supported_language(user.language)
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return self.get_response(request)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's `set_language` (the cookie, the redirect to `next`), and the profile for a
    signed-in person."""
    response = django_set_language(request)
    language = supported_language(request.POST.get("language"))
    user: Any = request.user
    if language and user.is_authenticated and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return response
