"""The public frameworks API."""

from __future__ import annotations

import json
from io import StringIO

from django.core.management import call_command
from django.test import Client

from iasios.standards.models import FrameworkVersion


def test_list_versions_without_a_token(framework: FrameworkVersion) -> None:
    response = Client().get("/api/v1/frameworks")
    assert response.status_code == 200
    assert response.json() == [
        {
            "code": "io-standards",
            "version": "2026.1",
            "title": framework.title,
            "published": "2026-01-15",
            "status": "current",
        }
    ]


def test_detail_is_the_export_tree(framework: FrameworkVersion) -> None:
    out = StringIO()
    call_command("standards_export", "io-standards", "2026.1", stdout=out)
    exported = json.loads(out.getvalue())
    by_version = Client().get("/api/v1/frameworks/io-standards/2026.1")
    assert by_version.status_code == 200
    assert by_version.json() == exported
    current = Client().get("/api/v1/frameworks/io-standards/current")
    assert current.json() == exported


def test_unknown_version_is_a_json_404(framework: FrameworkVersion) -> None:
    for url in ("/api/v1/frameworks/io-standards/1.0", "/api/v1/frameworks/nope/current"):
        response = Client().get(url)
        assert response.status_code == 404
        assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": []}}


def test_openapi_documents_the_operations(db: object) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/frameworks" in schema["paths"]
    detail = schema["paths"]["/api/v1/frameworks/{code}/{version}"]["get"]
    assert "200" in detail["responses"] and "404" in detail["responses"]
    assert "security" not in detail or detail["security"] in ([], [{}])
