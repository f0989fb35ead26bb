"""Comparing versions (command and page) and exporting a version as JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from iasios.standards.models import FrameworkVersion
from iasios.standards.selectors import framework_diff
from tests.standards.helpers import shipped_data, standard


@pytest.fixture
def modified(db: Any, write_framework: Callable[..., Path]) -> None:
    """2026.1 (shipped) and 2026.2 with 9e added, 13d removed and 1b changed."""
    call_command("standards_load", str(settings.SHIPPED_FRAMEWORK_FILE), "--activate", stdout=StringIO())
    data = shipped_data()
    data["version"] = "2026.2"
    standard(data, 9)["requirements"].append(
        {"letter": "e", "core": False, "text": "Patients receive a survivorship care plan.", "evidence": ["A plan"]}
    )
    assert standard(data, 13)["requirements"].pop()["letter"] == "d"
    one_b = standard(data, 1)["requirements"][1]
    assert one_b["letter"] == "b"
    one_b["text"] = "The service description is published on the hospital's website."
    one_b["core"] = True
    call_command("standards_load", str(write_framework(data)), stdout=StringIO())


def test_diff_function(modified: None) -> None:
    old = FrameworkVersion.objects.get(version="2026.1")
    new = FrameworkVersion.objects.get(version="2026.2")
    diff = framework_diff(old, new)
    assert [r.reference for r in diff.added] == ["9e"]
    assert [r.reference for r in diff.removed] == ["13d"]
    assert [(c.reference, c.fields) for c in diff.changed] == [("1b", ("text", "core"))]
    assert framework_diff(old, old).is_empty


def test_diff_command(modified: None) -> None:
    out = StringIO()
    call_command("standards_diff", "io-standards", "2026.1", "2026.2", stdout=out)
    text = out.getvalue()
    assert "Added (1):" in text and "+ 9e" in text and "survivorship care plan" in text
    assert "Removed (1):" in text and "- 13d" in text
    assert "Changed (1):" in text and "~ 1b" in text and "extended → core" in text
    assert "published on the hospital's website" in text


def test_diff_page(modified: None) -> None:
    url = reverse("standards:diff", args=["io-standards"])
    response = Client().get(url, {"from": "2026.1", "to": "2026.2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<tr class="diff-added"><td>9e</td>' in html
    assert '<tr class="diff-removed"><td>13d</td>' in html
    assert '<tr class="diff-changed"><td>1b</td>' in html
    assert html.count('class="diff-') == 3
    assert "<select" in html and 'name="from"' in html and 'name="to"' in html


def test_diff_page_without_choice_and_with_unknown_version(modified: None) -> None:
    url = reverse("standards:diff", args=["io-standards"])
    assert 'class="diff-' not in Client().get(url).content.decode()
    response = Client().get(url, {"from": "2026.1", "to": "1999.9"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert Client().get(reverse("standards:diff", args=["no-such-code"])).status_code == 404


EXPORT_KEYS = {"code", "version", "title", "sections"}
SECTION_KEYS = {"number", "title", "standards"}
STANDARD_KEYS = {"number", "title", "requirements"}
REQUIREMENT_KEYS = {"letter", "core", "text", "guidance", "evidence"}


def test_export_json_shape(framework: FrameworkVersion) -> None:
    out = StringIO()
    call_command("standards_export", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) == EXPORT_KEYS
    assert (data["code"], data["version"]) == ("io-standards", "2026.1")
    assert [s["number"] for s in data["sections"]] == [1, 2, 3]
    requirements = []
    for section in data["sections"]:
        assert set(section) == SECTION_KEYS
        for std in section["standards"]:
            assert set(std) == STANDARD_KEYS
            for r in std["requirements"]:
                assert set(r) == REQUIREMENT_KEYS
                assert isinstance(r["core"], bool)
                assert isinstance(r["evidence"], list)
                requirements.append((std["number"], r["letter"], r["core"]))
    assert len(requirements) == framework.requirements.count()
    assert (1, "a", True) in requirements and (1, "b", False) in requirements
    assert [std["number"] for s in data["sections"] for std in s["standards"]] == list(range(1, 14))


def test_export_named_version(modified: None) -> None:
    out = StringIO()
    call_command("standards_export", "io-standards", "2026.2", stdout=out)
    data = json.loads(out.getvalue())
    assert data["version"] == "2026.2"
    nine = next(std for s in data["sections"] for std in s["standards"] if std["number"] == 9)
    assert [r["letter"] for r in nine["requirements"]] == ["a", "b", "c", "d", "e"]
