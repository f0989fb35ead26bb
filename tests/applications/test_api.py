"""The application through /api/v1: the same rules as the pages."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.test import Client

from iasios.api.services import token_create
from iasios.applications.models import Answer, Cycle, Dossier, EvidenceDocument
from tests import factories
from tests.applications import conftest as files
from tests.applications.helpers import fill_core

pytestmark = pytest.mark.django_db


def api(user: Any) -> Client:
    _token, raw = token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_start_cycle_and_read_answers(enrolled: Any, framework: Any) -> None:
    client = api(enrolled.contact)
    started = client.post(f"/api/v1/applications/facilities/{enrolled.facility.pk}/cycles")
    assert started.status_code == 201
    body = started.json()
    assert body["status"] == "draft" and body["core"]["done"] == 0 and body["core"]["total"] > 0
    again = client.post(f"/api/v1/applications/facilities/{enrolled.facility.pk}/cycles")
    assert again.status_code == 409 and "open application" in again.json()["error"]["message"]
    answers = client.get(f"/api/v1/applications/cycles/{body['id']}/answers").json()
    assert len(answers) == Answer.objects.filter(cycle_id=body["id"]).count()
    assert answers[0]["requirement"] == "1a" and answers[0]["revision"] == 0


def test_update_answer_and_stale_409_with_both_versions(cycle: Cycle, enrolled: Any) -> None:
    answer = Answer.objects.filter(cycle=cycle).first()
    url = f"/api/v1/applications/cycles/{cycle.pk}/answers/{answer.pk}"
    first = api(enrolled.contact).patch(
        url, {"revision": 0, "claim": "met", "narrative": "Theirs"}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["revision"] == 1
    stale = api(enrolled.contributor).patch(
        url, {"revision": 0, "claim": "partly_met", "narrative": "Mine"}, content_type="application/json"
    )
    assert stale.status_code == 409
    payload = stale.json()
    assert payload["error"]["code"] == "stale"
    assert payload["current"]["narrative"] == "Theirs" and payload["current"]["revision"] == 1
    assert payload["yours"]["narrative"] == "Mine"
    answer.refresh_from_db()
    assert answer.narrative == "Theirs"


def test_validation_errors_name_the_field(cycle: Cycle, enrolled: Any) -> None:
    answer = Answer.objects.filter(cycle=cycle).first()
    response = api(enrolled.contact).patch(
        f"/api/v1/applications/cycles/{cycle.pk}/answers/{answer.pk}",
        {"revision": 0, "claim": "not_applicable"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "na_reason"


def test_upload_list_and_link(cycle: Cycle, enrolled: Any) -> None:
    client = api(enrolled.contributor)
    evidence = f"/api/v1/applications/facilities/{enrolled.facility.pk}/evidence"
    created = client.post(evidence, {"files": [files.upload("Policy.pdf", files.pdf_bytes())], "title": "Policy"})
    assert created.status_code == 201
    document = created.json()[0]
    assert document["title"] == "Policy"
    assert document["revisions"][0]["sha256"] == hashlib.sha256(files.pdf_bytes()).hexdigest()
    listed = client.get(evidence).json()
    assert [d["id"] for d in listed] == [document["id"]]
    answer = Answer.objects.filter(cycle=cycle).first()
    linked = client.post(
        f"/api/v1/applications/cycles/{cycle.pk}/answers/{answer.pk}/evidence",
        {"document_id": document["id"]},
        content_type="application/json",
    )
    assert linked.status_code == 201 and linked.json()["evidence"][0]["document_id"] == document["id"]


def test_upload_refusals(enrolled: Any, settings: Any) -> None:
    client = api(enrolled.contributor)
    evidence = f"/api/v1/applications/facilities/{enrolled.facility.pk}/evidence"
    exe = client.post(
        evidence, {"files": [files.upload("a.pdf", files.pdf_bytes()), files.upload("b.pdf", b"MZ\x00\x00")]}
    )
    assert exe.status_code == 422 and exe.json()["error"]["code"] == "refused_file"
    assert not EvidenceDocument.objects.exists()  # all or nothing
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100
    big = client.post(evidence, {"files": [files.upload("big.pdf", b"%PDF-" + b"0" * 500)]})
    assert big.status_code == 413
    assert not EvidenceDocument.objects.exists()


def test_preflight_submit_and_dossier(cycle: Cycle, enrolled: Any) -> None:
    client = api(enrolled.representative)
    base = f"/api/v1/applications/cycles/{cycle.pk}"
    before = client.get(f"{base}/preflight").json()
    assert before["ready"] is False and before["blockers"]
    fill_core(cycle, enrolled.contributor)
    assert client.get(f"{base}/preflight").json() == {"ready": True, "blockers": []}
    wrong = client.post(f"{base}/submit", {"declaration": True, "password": "wrong"}, content_type="application/json")
    assert wrong.status_code == 422 and wrong.json()["error"]["fields"][0]["field"] == "password"
    done = client.post(
        f"{base}/submit", {"declaration": True, "password": factories.PASSWORD}, content_type="application/json"
    )
    assert done.status_code == 201
    dossier = Dossier.objects.get(cycle=cycle)
    assert done.json()["sha256"] == dossier.sha256 and done.json()["verified"] is True
    meta = client.get(f"{base}/dossier").json()
    assert meta["sha256"] == dossier.sha256 and meta["zip_url"].endswith("evidence.zip")


def test_openapi_documents_the_endpoints(db: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert "/api/v1/applications/cycles/{cycle_id}/answers/{answer_id}" in paths
    upload = paths["/api/v1/applications/facilities/{facility_id}/evidence"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
