"""Fixtures of the standards tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from iasios.standards.models import FrameworkVersion


@pytest.fixture(autouse=True)
def _empty_library_unless_asked(request: pytest.FixtureRequest) -> None:
    """The shipped framework is in every test's database; a test here that does not ask for it
    (`framework`) starts with an empty library, so loading and refusing are seen from nothing."""
    names = request.fixturenames
    if "framework" in names:
        return
    if "db" in names or "transactional_db" in names or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        FrameworkVersion.objects.all().delete()


@pytest.fixture
def write_framework(tmp_path: Path) -> Callable[..., Path]:
    """Write text or data as a framework file in tmp_path and return its path."""
    counter = iter(range(1, 1000))

    def write(content: str | dict[str, Any], name: str | None = None) -> Path:
        path = tmp_path / (name or f"framework-{next(counter)}.yaml")
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False, allow_unicode=True)
        path.write_text(text, encoding="utf-8")
        return path

    return write
