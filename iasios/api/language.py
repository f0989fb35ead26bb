"""The API's language: the request's Accept-Language, else English (docs/decisions/0030).

Error messages and the labels the API returns (e.g. an invoice's `display_status`, a volume's
`label`) follow it; the data stays codes. Neither the site's language cookie nor the token
holder's profile applies: an integration asks for the language it wants, on each request.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from iasios.accounts.language import supported_language

API_PREFIX = "/api/"


def accept_language(header: str) -> str:
    """The first language of the header the site offers, else the site's default."""
    for code, _quality in parse_accept_lang_header(header):
        if code == "*":
            break
        language = supported_language(code)
        if language:
            return language
    return str(settings.LANGUAGE_CODE)


class ApiLanguageMiddleware:
    """Put after the user-language middleware: on /api/ only the Accept-Language header counts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        language = accept_language(request.headers.get("accept-language", ""))
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language",))
        return response
