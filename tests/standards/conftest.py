"""Fixtures of the standards tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml


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
