"""The REST API under /api/v1: token authentication, one error shape, routers per context.

Every error is returned as {"error": {"code", "message", "fields": [{"field", "reason"}]}}.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from iasios.api.docs import LocalSwagger, document_errors
from iasios.api.services import token_authenticate
from iasios.core.refusals import Refusal, field_errors


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class DocumentedAPI(NinjaAPI):
    """The API whose OpenAPI document lists, on every operation, each error it can answer."""

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_errors(schema, ErrorOut)
        return schema

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        # Last: a path no operation matches (an id that is not a UUID, say) is a 404 in the error shape,
        # not the site's HTML page.
        return [*super()._get_urls(), re_path(r"^", _unknown_path)]


@csrf_exempt  # token-authenticated like every operation: no CSRF page in front of the JSON 404
def _unknown_path(request: HttpRequest) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


api = DocumentedAPI(
    title="IO Accreditation API",
    version="1",
    description="Programme data and actions for integrations. Authenticate with a personal access token "
    "(Authorization: Bearer …), created on your account page.",
    auth=TokenAuth(),
    urls_namespace="api",
    docs_url="/docs",
    docs=LocalSwagger(),
)


class FieldError(Schema):
    field: str
    reason: str


class ErrorBody(Schema):
    code: str
    message: str
    fields: list[FieldError] = []


class ErrorOut(Schema):
    error: ErrorBody


def error_response(
    request: HttpRequest, status: int, code: str, message: str, fields: list[dict[str, str]] | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"error": {"code": code, "message": message, "fields": fields or []}}, status=status
    )


def _field_name(loc: list[Any]) -> str:
    """Where a value was refused, as the client wrote it: `narrative`, not `body.payload.narrative`."""
    parts = [str(p) for p in loc]
    # After the location (body, query, path) comes, for a body, the view's parameter name: not the client's.
    parts = parts[2:] if parts[:1] == ["body"] and len(parts) > 2 else parts[1:]
    return ".".join(parts) or "body"


@api.exception_handler(NinjaValidationError)
def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields = [{"field": _field_name(list(err.get("loc", []))), "reason": str(err.get("msg", ""))} for err in exc.errors]
    return error_response(request, 422, "invalid", _("The request is not valid."), fields)


@api.exception_handler(MultiPartParserError)
def _malformed_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    message = _("The multipart body cannot be read; send it with its boundary.")
    return error_response(request, 400, "bad_request", message)


@api.exception_handler(SuspiciousOperation)
def _bad_request(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """A body too large for the server (413) or with too many fields or files (400)."""
    if isinstance(exc, RequestDataTooBig):
        return error_response(request, 413, "too_large", _("The request body is too large."))
    return error_response(request, 400, "bad_request", _("The request cannot be read."))


@api.exception_handler(ValidationError)
def _django_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        fields = [{"field": f, "reason": str(m)} for f, msgs in exc.message_dict.items() for m in msgs]
    else:
        fields = [{"field": "body", "reason": str(m)} for m in exc.messages]
    return error_response(request, 422, "invalid", _("The request is not valid."), fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", _("A valid personal access token is required."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", str(exc) or _("You may not do this."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(Refusal)
def _refusal(request: HttpRequest, exc: Refusal) -> HttpResponse:
    """Every refusal of a service or a guard: 409 for the state, 403 for the person, 422 for the data."""
    fields = [{"field": name, "reason": message} for name, message in field_errors(exc) if name]
    return error_response(request, exc.status, exc.code, exc.message or _("You may not do this."), fields)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "error", str(exc))


class MeOut(Schema):
    id: str
    email: str
    name: str
    programme_roles: list[str]
    facilities: list[dict[str, str]]


@api.get("/me", response={200: MeOut, 401: ErrorOut}, tags=["account"], summary="The token's owner")
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "id": str(user.pk),
        "email": user.email,
        "name": user.name,
        "programme_roles": sorted(user.programme_roles),
        "facilities": [
            {"id": str(m.facility_id), "name": m.facility.name, "role": m.role}
            for m in user.memberships.select_related("facility")
        ],
    }


api.add_router("/facilities", "iasios.api.routers.facilities.router")
api.add_router("/billing", "iasios.api.routers.billing.router")
api.add_router("/applications", "iasios.api.routers.applications.router")
api.add_router("/case-review", "iasios.api.routers.casereview.router")
api.add_router("/assessment", "iasios.api.routers.assessment.router")
api.add_router("/decisions", "iasios.api.routers.decisions.router")
api.add_router("/certificates", "iasios.api.routers.certificates.router")
api.add_router("/frameworks", "iasios.api.routers.standards.router")
