"""Reading and validating a framework file (YAML) without touching the database.

`parse_framework_file(path)` / `parse_framework_text(text)` return a `FrameworkData` or raise
`FrameworkFileInvalid` listing every problem, one ``FILE:LINE: path: reason`` line each. The
parts: `framework_data` (the parsed result and its content hash), `yaml_nodes` (typed values
read from YAML nodes, each error on its line) and `framework_reader` (the file's fields and
rules). Writing a version to the database is `services.framework_load`.
"""

from __future__ import annotations

from pathlib import Path

from iasios.standards.framework_data import (
    ChecklistItemData,
    FrameworkData,
    FrameworkFileInvalid,
    RequirementData,
    SectionData,
    StandardData,
    compose_yaml,
)
from iasios.standards.framework_reader import FrameworkReader

__all__ = [
    "ChecklistItemData",
    "FrameworkData",
    "FrameworkFileInvalid",
    "RequirementData",
    "SectionData",
    "StandardData",
    "parse_framework_file",
    "parse_framework_text",
]


def parse_framework_file(path: str | Path) -> FrameworkData:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkFileInvalid([f"{path}:0: (file): cannot be read: {exc}"]) from exc
    return parse_framework_text(text, source=str(path))


def parse_framework_text(text: str, *, source: str = "<text>") -> FrameworkData:
    """Parse and validate; raise FrameworkFileInvalid with every error found."""
    root = compose_yaml(text, source)
    reader = FrameworkReader(source)
    data = reader.framework(root)
    if reader.errors or data is None:
        raise FrameworkFileInvalid(reader.sorted_errors())
    return data
