"""What a framework file holds once it is read and valid: plain frozen data, no database.

`FrameworkData.content_sha256` is the hash of the normalised content (comments, key order and
layout do not count): it identifies "the same file" when a version is loaded again.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any

import yaml
from yaml.nodes import Node


@dataclass(frozen=True)
class SectionData:
    number: int
    title: str


@dataclass(frozen=True)
class RequirementData:
    letter: str
    core: bool
    text: str
    guidance: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class StandardData:
    number: int
    section: int
    title: str
    evidence: tuple[str, ...]
    requirements: tuple[RequirementData, ...]


@dataclass(frozen=True)
class ChecklistItemData:
    code: str
    text: str
    guidance: str
    target_percent: int
    records_grade: bool


@dataclass(frozen=True)
class FrameworkData:
    code: str
    version: str
    title: str
    published: datetime.date
    notice: str
    sections: tuple[SectionData, ...]
    standards: tuple[StandardData, ...]
    checklist: tuple[ChecklistItemData, ...]
    programme: dict[str, Any]

    def normalised(self) -> dict[str, Any]:
        """The content as plain JSON-able data, standards in number order."""
        data = asdict(self)
        data["published"] = self.published.isoformat()
        data["sections"] = sorted(data["sections"], key=lambda s: s["number"])
        data["standards"] = sorted(data["standards"], key=lambda s: s["number"])
        return data

    @property
    def content_sha256(self) -> str:
        canonical = json.dumps(self.normalised(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    @property
    def requirement_count(self) -> int:
        return sum(len(s.requirements) for s in self.standards)

    @property
    def core_count(self) -> int:
        return sum(1 for s in self.standards for r in s.requirements if r.core)


class FrameworkFileInvalid(Exception):
    """The file has one or more problems; `errors` lists all of them, one line each."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def compose_yaml(text: str, source: str) -> Node:
    """The text as YAML nodes (each keeps its line); FrameworkFileInvalid when it is not YAML or empty."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise FrameworkFileInvalid([f"{source}:{line}: (file): not valid YAML: {exc.problem or exc}"]) from exc
    except yaml.YAMLError as exc:
        raise FrameworkFileInvalid([f"{source}:0: (file): not valid YAML: {exc}"]) from exc
    if root is None:
        raise FrameworkFileInvalid([f"{source}:1: (file): the file is empty"])
    return root
