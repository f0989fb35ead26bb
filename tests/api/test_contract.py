"""The API says what it does: full PUT, partial PATCH, unique schema names, documented errors,
a malformed multipart body refused in the error shape, and a docs page that needs no other host."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from ninja.openapi.schema import OpenAPISchema

from iasios.api.api import api as ninja_api
from iasios.api.services import token_create
from iasios.applications.models import Answer, Cycle
from iasios.cycles import services as cycle_services
from iasios.facilities.models import Facility, FacilityStatus

ANSWER_FIELDS = {"revision", "claim", "na_reason", "narrative", "assignee_id"}
ERROR_STATUSES = {"400", "401", "403", "404", "409", "413", "422"}
METHODS = {"get", "put", "post", "patch", "delete"}


def _client(user: Any) -> Client:
    _token, raw = token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def cycle(cast: Any, framework: Any) -> Cycle:
    Facility.objects.filter(pk=cast.facility.pk).update(status=FacilityStatus.ENROLLED)
    cast.facility.refresh_from_db()
    return cycle_services.cycle_start(facility=cast.facility, user=cast.contributor)


@pytest.fixture
def filled(cycle: Cycle, cast: Any) -> Answer:
    """An answer with a narrative and an assignee, saved through a full PUT."""
    answer = Answer.objects.filter(cycle=cycle).order_by("requirement__position").first()
    assert answer is not None
    response = _client(cast.contact).put(
        _url(answer),
        {
            "revision": 0,
            "claim": "partly_met",
            "na_reason": "",
            "narrative": "Our tumour board meets weekly.",
            "assignee_id": str(cast.contributor.pk),
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    answer.refresh_from_db()
    return answer


def _url(answer: Answer) -> str:
    return f"/api/v1/applications/cycles/{answer.cycle_id}/answers/{answer.pk}"


# ----------------------------------------------------------------------------- PUT and PATCH


def test_a_put_without_every_field_is_refused_and_names_the_missing_ones(filled: Answer, cast: Any) -> None:
    response = _client(cast.contact).put(
        _url(filled), {"revision": filled.revision, "claim": "met"}, content_type="application/json"
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert {f["field"] for f in error["fields"]} == {"na_reason", "narrative", "assignee_id"}
    kept = Answer.objects.get(pk=filled.pk)
    assert (kept.claim, kept.narrative, kept.assignee_id) == ("partly_met", filled.narrative, cast.contributor.pk)


def test_a_put_with_every_field_replaces_the_answer(filled: Answer, cast: Any) -> None:
    response = _client(cast.contact).put(
        _url(filled),
        {"revision": filled.revision, "claim": "met", "na_reason": "", "narrative": "", "assignee_id": None},
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["claim"], body["narrative"], body["assignee_id"]) == ("met", "", None)


def test_a_patch_changes_only_what_is_sent(filled: Answer, cast: Any) -> None:
    response = _client(cast.contact).patch(
        _url(filled), {"revision": filled.revision, "claim": "met"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["claim"] == "met" and body["revision"] == filled.revision + 1
    assert body["narrative"] == "Our tumour board meets weekly."
    assert body["assignee_id"] == str(cast.contributor.pk)
    saved = Answer.objects.get(pk=filled.pk)
    assert (saved.claim, saved.narrative, saved.assignee_id) == ("met", filled.narrative, cast.contributor.pk)


def test_a_patch_may_clear_the_assignee_by_sending_null(filled: Answer, cast: Any) -> None:
    response = _client(cast.contact).patch(
        _url(filled), {"revision": filled.revision, "assignee_id": None}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["assignee_id"] is None
    assert response.json()["narrative"] == filled.narrative


def test_a_patch_from_a_stale_revision_writes_nothing(filled: Answer, cast: Any) -> None:
    response = _client(cast.contributor).patch(
        _url(filled), {"revision": filled.revision - 1, "narrative": "Mine"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "stale"
    assert Answer.objects.get(pk=filled.pk).narrative == filled.narrative


def test_a_patch_needs_the_revision(filled: Answer, cast: Any) -> None:
    response = _client(cast.contact).patch(_url(filled), {"claim": "met"}, content_type="application/json")
    assert response.status_code == 422
    assert [f["field"] for f in response.json()["error"]["fields"]] == ["revision"]


# ----------------------------------------------------------------------------- the OpenAPI document


def _document(monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """The OpenAPI document, and every definition each component name was given while it was built."""
    seen: dict[str, list[Any]] = {}
    original = OpenAPISchema.add_schema_definitions

    def recording(self: OpenAPISchema, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            if definition not in seen.setdefault(name, []):
                seen[name].append(definition)
        original(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    # Through JSON, as clients read it (status codes become strings).
    return json.loads(json.dumps(ninja_api.get_openapi_schema(path_prefix="/api/v1/"))), seen


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def _component(document: dict[str, Any], ref: str) -> dict[str, Any]:
    assert ref.startswith("#/components/schemas/")
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_every_component_name_stands_for_one_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    _doc, seen = _document(monkeypatch)
    clashes = {name: len(definitions) for name, definitions in seen.items() if len(definitions) > 1}
    assert clashes == {}


def test_the_answer_put_and_patch_bodies_are_documented_as_the_code_reads_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document, _seen = _document(monkeypatch)
    item = document["paths"]["/api/v1/applications/cycles/{cycle_id}/answers/{answer_id}"]
    put = _component(document, item["put"]["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    assert set(put["properties"]) == ANSWER_FIELDS and set(put["required"]) == ANSWER_FIELDS
    patch = _component(document, item["patch"]["requestBody"]["content"]["application/json"]["schema"]["$ref"])
    assert set(patch["properties"]) == ANSWER_FIELDS and patch["required"] == ["revision"]


def test_every_operation_documents_every_error_with_the_error_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    document, _seen = _document(monkeypatch)
    operations = _operations(document)
    assert len(operations) > 50
    error_ref = "#/components/schemas/ErrorOut"
    assert set(document["components"]["schemas"]["ErrorOut"]["required"]) == {"error"}
    for path, method, operation in operations:
        public = operation.get("security") is None
        wanted = ERROR_STATUSES - ({"401"} if public else set())
        documented = set(operation["responses"])
        assert wanted <= documented, (method, path, wanted - documented)
        for status in wanted:
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            refs = [schema.get("$ref")] + [s.get("$ref") for s in schema.get("anyOf", [])]
            assert error_ref in refs or any(_has_error_property(document, r) for r in refs if r), (
                method,
                path,
                status,
            )


def _has_error_property(document: dict[str, Any], ref: str) -> bool:
    """A richer refusal (a stale answer, a refused log) still carries the `error` object."""
    return "error" in _component(document, ref).get("required", [])


def test_the_log_upload_documents_the_plain_422_it_gives_for_unreadable_fields(
    cycle: Cycle, cast: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = _client(cast.contact).post(f"/api/v1/case-review/cycles/{cycle.pk}/log", {"period_start": "soon"})
    assert response.status_code == 422
    assert set(response.json()) == {"error"}  # no upload_id: nothing was uploaded
    document, _seen = _document(monkeypatch)
    schema = document["paths"]["/api/v1/case-review/cycles/{cycle_id}/log"]["post"]["responses"]["422"]["content"]
    refs = [s.get("$ref") for s in schema["application/json"]["schema"].get("anyOf", [])]
    assert "#/components/schemas/ErrorOut" in refs


# ----------------------------------------------------------------------------- malformed multipart


@pytest.mark.parametrize("target", ["evidence", "log"])
def test_a_multipart_post_without_a_boundary_is_a_400_in_the_error_shape(
    cycle: Cycle, cast: Any, target: str, settings: Any, tmp_path: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    url = (
        f"/api/v1/applications/facilities/{cycle.facility_id}/evidence"
        if target == "evidence"
        else f"/api/v1/case-review/cycles/{cycle.pk}/log"
    )
    response = _client(cast.contact).post(url, b"--x\r\n", content_type="multipart/form-data")
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == "bad_request" and body["error"]["message"]


@pytest.mark.parametrize("path", ["/api/v1/facilities/not-a-uuid/members", "/api/v1/no-such-thing/1"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_path_no_operation_matches_is_a_404_in_the_error_shape(db: Any, path: str, method: str) -> None:
    response = getattr(Client(enforce_csrf_checks=True), method)(path)
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": []}}


# ----------------------------------------------------------------------------- the docs page


def test_the_docs_page_needs_no_other_host(db: Any) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="swagger-ui"' in html
    assert re.findall(r"(?:https?:)?//[^\s\"'<>]+", html) == []
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith("/") for s in sources), sources
    assert '"validatorUrl": null' in html
