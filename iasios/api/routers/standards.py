"""The published standards, read-only and public: versions and the tree of one version."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema

from iasios.standards.selectors import framework_export, framework_get, framework_versions

router = Router(tags=["standards"])


class FrameworkVersionOut(Schema):
    code: str
    version: str
    title: str
    published: datetime.date
    status: str


class RequirementOut(Schema):
    letter: str
    core: bool
    text: str
    guidance: str
    evidence: list[str]


class StandardOut(Schema):
    number: int
    title: str
    requirements: list[RequirementOut]


class SectionOut(Schema):
    number: int
    title: str
    standards: list[StandardOut]


class FrameworkTreeOut(Schema):
    code: str
    version: str
    title: str
    sections: list[SectionOut]


# The API's error shape (see iasios.api.api), repeated here for the OpenAPI document.
class _ErrorBody(Schema):
    code: str
    message: str
    fields: list[dict[str, str]] = []


class NotFoundOut(Schema):
    error: _ErrorBody


@router.get(
    "",
    response=list[FrameworkVersionOut],
    auth=None,
    summary="Loaded framework versions",
    description="Every version of the standards ever loaded, with its status (draft, current or superseded).",
)
def list_frameworks(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {
            "code": v.code,
            "version": v.version,
            "title": v.title,
            "published": v.published_on,
            "status": v.status,
        }
        for v in framework_versions()
    ]


@router.get(
    "/{code}/{version}",
    response={200: FrameworkTreeOut, 404: NotFoundOut},
    auth=None,
    summary="One framework version",
    description="Sections, standards and lettered requirements of one version; `current` names the current one.",
)
def get_framework(request: HttpRequest, code: str, version: str) -> dict[str, Any]:
    framework = framework_get(code, version, tree=True)
    if framework is None:
        raise Http404
    return framework_export(framework)
