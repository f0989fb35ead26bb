"""The shipped framework file as text or data, and variants of it, for the standards tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings


def shipped_text() -> str:
    return Path(settings.SHIPPED_FRAMEWORK_FILE).read_text(encoding="utf-8")


def shipped_data() -> dict[str, Any]:
    return yaml.safe_load(shipped_text())


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the `occurrence`-th appearance of `needle` in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1


def standard(data: dict[str, Any], number: int) -> dict[str, Any]:
    return next(s for s in data["standards"] if s["number"] == number)


def big_framework(version: str, per_standard: int = 20) -> dict[str, Any]:
    """The shipped structure with `per_standard` requirements in every standard."""
    data = copy.deepcopy(shipped_data())
    data["version"] = version
    for s in data["standards"]:
        s["requirements"] = [
            {
                "letter": chr(ord("a") + i),
                "core": i == 0,
                "text": f"Requirement {s['number']}{chr(ord('a') + i)} of the large framework.",
                "guidance": "Some guidance.",
                "evidence": ["A document", "Another document"],
            }
            for i in range(per_standard)
        ]
    return data
