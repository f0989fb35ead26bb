"""What changed between two framework versions, requirement by requirement.

Requirements are matched by their reference (standard number + letter). The comparison works on
plain snapshots so that the page, the command and the tests share one definition of “changed”:
the text, the guidance, the required evidence or the core flag differ.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

COMPARED_FIELDS = ("text", "guidance", "evidence", "core")


@dataclass(frozen=True)
class RequirementSnapshot:
    standard: int
    letter: str
    core: bool
    text: str
    guidance: str = ""
    evidence: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[int, str]:
        return (self.standard, self.letter)

    @property
    def reference(self) -> str:
        return f"{self.standard}{self.letter}"

    @property
    def tier(self) -> str:
        return "core" if self.core else "extended"


@dataclass(frozen=True)
class RequirementChange:
    before: RequirementSnapshot
    after: RequirementSnapshot
    fields: tuple[str, ...]

    @property
    def reference(self) -> str:
        return self.after.reference


@dataclass(frozen=True)
class FrameworkDiff:
    added: list[RequirementSnapshot] = field(default_factory=list)
    removed: list[RequirementSnapshot] = field(default_factory=list)
    changed: list[RequirementChange] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def compare_requirements(old: Iterable[RequirementSnapshot], new: Iterable[RequirementSnapshot]) -> FrameworkDiff:
    before = {r.key: r for r in old}
    after = {r.key: r for r in new}
    changed: list[RequirementChange] = []
    for key in sorted(before.keys() & after.keys()):
        fields = tuple(name for name in COMPARED_FIELDS if getattr(before[key], name) != getattr(after[key], name))
        if fields:
            changed.append(RequirementChange(before[key], after[key], fields))
    return FrameworkDiff(
        added=[after[k] for k in sorted(after.keys() - before.keys())],
        removed=[before[k] for k in sorted(before.keys() - after.keys())],
        changed=changed,
    )
