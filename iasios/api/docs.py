"""How the API describes itself: the errors every operation documents, and a docs page served
from this site's own static files (Swagger UI from npm, copied into var/assets at set-up)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI, Schema

# What each error status means in this API; every operation may answer them in the error shape.
ERRORS: dict[int, str] = {
    400: "The request cannot be read (a malformed body, a multipart body without its boundary).",
    401: "No valid personal access token.",
    403: "The token's owner may not do this.",
    404: "Not found, or not visible to the token's owner.",
    409: "The state does not allow this (a submitted application, a stale revision, a transition).",
    413: "The request body or an uploaded file is too large.",
    422: "The data is refused; `fields` names each refused field and why.",
}
_METHODS = {"get", "put", "post", "patch", "delete"}


def document_errors(schema: dict[str, Any], error_schema: type[Schema]) -> None:
    """Add each error status to every operation that does not document it yet, with the error shape.

    An operation without authentication (a public read) cannot answer 401 and does not list it.
    A richer body an operation already documents for a status (e.g. a stale answer's 409) is kept.
    """
    name = error_schema.__name__
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    if name not in components:
        definition = error_schema.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(definition.pop("$defs", {}))
        components[name] = definition
    ref = {"$ref": f"#/components/schemas/{name}"}
    for item in schema.get("paths", {}).values():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            public = not operation.get("security")
            for status, description in ERRORS.items():
                if (status == 401 and public) or status in responses or str(status) in responses:
                    continue
                responses[status] = {"description": description, "content": {"application/json": {"schema": ref}}}


class LocalSwagger(Swagger):
    """Swagger UI from this site's static files: the page loads nothing from another host."""

    template = "api/docs.html"

    def __init__(self) -> None:
        # No validator badge: Swagger UI would fetch it from swagger.io.
        super().__init__(settings={"validatorUrl": None})

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        context = {"swagger_settings": dict(self.settings), "api": api}
        return render(request, self.template, context)
