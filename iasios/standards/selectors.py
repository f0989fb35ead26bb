"""Reads of the standards library.

Pages, the API and the commands read framework versions through these functions. A whole tree
(sections → standards → requirements, and the checklist) is always loaded with
`framework_tree_prefetch`, so the number of queries does not grow with the number of
requirements.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from iasios.standards.diff import FrameworkDiff, RequirementSnapshot, compare_requirements
from iasios.standards.models import (
    ChecklistItem,
    FrameworkStatus,
    FrameworkVersion,
    Requirement,
    Section,
    Standard,
    framework_tree_prefetch,
)
from iasios.standards.programme import ProgrammeSettings

TIERS = ("all", "core", "extended")
CURRENT_ALIAS = "current"


class NoCurrentFramework(Exception):
    """No framework version is current: load one with `manage.py standards_load --activate`."""


def current_framework(code: str | None = None) -> FrameworkVersion | None:
    qs = FrameworkVersion.objects.current()
    if code:
        qs = qs.filter(code=code)
    return qs.order_by("-published_on", "code").first()


def current_programme_settings() -> ProgrammeSettings:
    framework = current_framework()
    if framework is None:
        raise NoCurrentFramework(NoCurrentFramework.__doc__)
    return framework.settings


def framework_versions(code: str | None = None) -> QuerySet[FrameworkVersion]:
    """Every loaded version, with its requirement counts, newest first within each code."""
    qs = FrameworkVersion.objects.annotate(
        requirement_count=Count("requirements"),
        core_count=Count("requirements", filter=Q(requirements__core=True)),
    ).order_by("code", "-published_on", "-created_at")
    return qs.filter(code=code) if code else qs


def framework_get(code: str, version: str, *, tree: bool = False) -> FrameworkVersion | None:
    """One version by code and version (`current` names the current one), or None."""
    qs: QuerySet[FrameworkVersion] = FrameworkVersion.objects.filter(code=code)
    qs = qs.filter(status=FrameworkStatus.CURRENT) if version == CURRENT_ALIAS else qs.filter(version=version)
    if tree:
        qs = framework_tree_prefetch(qs)
    return qs.first()


def current_framework_tree(code: str | None = None) -> FrameworkVersion | None:
    qs = FrameworkVersion.objects.current()
    if code:
        qs = qs.filter(code=code)
    return framework_tree_prefetch(qs.order_by("-published_on", "code")).first()


# -- the browser page ------------------------------------------------------------------------
@dataclass
class StandardView:
    standard: Standard
    requirements: list[Requirement]


@dataclass
class SectionView:
    section: Section
    standards: list[StandardView] = field(default_factory=list)


@dataclass
class FrameworkPage:
    framework: FrameworkVersion
    tier: str
    sections: list[SectionView]
    checklist: list[ChecklistItem]
    core_count: int
    extended_count: int
    standard_count: int

    @property
    def requirement_count(self) -> int:
        return self.core_count + self.extended_count


def framework_page(framework: FrameworkVersion, tier: str = "all") -> FrameworkPage:
    """The tree of a prefetched version, filtered to one tier, with the counts of both tiers."""
    tier = tier if tier in TIERS else "all"
    sections: list[SectionView] = []
    core = extended = standards = 0
    for section in framework.sections.all():
        view = SectionView(section)
        for standard in section.standards.all():
            standards += 1
            requirements = list(standard.requirements.all())
            core += sum(1 for r in requirements if r.core)
            extended += sum(1 for r in requirements if not r.core)
            if tier != "all":
                requirements = [r for r in requirements if r.tier == tier]
            view.standards.append(StandardView(standard, requirements))
        sections.append(view)
    return FrameworkPage(
        framework=framework,
        tier=tier,
        sections=sections,
        checklist=list(framework.checklist.all()),
        core_count=core,
        extended_count=extended,
        standard_count=standards,
    )


# -- export and diff -------------------------------------------------------------------------
def framework_export(framework: FrameworkVersion, language: str | None = None) -> dict[str, Any]:
    """The published tree as plain data: the shape of `standards_export` and of the API.

    With `language`, every text is given in that language, the English where it is not
    translated; `language` and `english_original` (the texts left in English, e.g. "4b guidance")
    are added."""
    if language is None:
        return _export_tree(framework, lambda obj, name, label: getattr(obj, name))
    untranslated: list[str] = []

    def text(obj: Any, name: str, label: str) -> Any:
        value, original = obj.in_language(name, language)
        if original:
            untranslated.append(label)
        return list(value) if isinstance(value, (list, tuple)) else value

    tree = _export_tree(framework, text)
    return {"language": language, **tree, "english_original": untranslated}


def _export_tree(framework: FrameworkVersion, text: Any) -> dict[str, Any]:
    tree: dict[str, Any] = {
        "code": framework.code,
        "version": framework.version,
        "title": text(framework, "title", "title"),
        "sections": [],
    }
    for section in framework.sections.all():
        standards = []
        for standard in section.standards.all():
            requirements = []
            for r in standard.requirements.all():
                ref = f"{standard.number}{r.letter}"
                requirements.append(
                    {
                        "letter": r.letter,
                        "core": r.core,
                        "text": text(r, "text", f"{ref} text"),
                        "guidance": text(r, "guidance", f"{ref} guidance"),
                        "evidence": list(text(r, "evidence", f"{ref} evidence")),
                    }
                )
            standards.append(
                {
                    "number": standard.number,
                    "title": text(standard, "title", f"standard {standard.number} title"),
                    "requirements": requirements,
                }
            )
        tree["sections"].append(
            {
                "number": section.number,
                "title": text(section, "title", f"section {section.number} title"),
                "standards": standards,
            }
        )
    return tree


def _snapshots(framework: FrameworkVersion) -> list[RequirementSnapshot]:
    rows = Requirement.objects.filter(framework=framework).values_list(
        "standard__number", "letter", "core", "text", "guidance", "evidence"
    )
    return [
        RequirementSnapshot(standard=n, letter=letter, core=core, text=text, guidance=guidance, evidence=tuple(ev))
        for n, letter, core, text, guidance, ev in rows
    ]


def framework_diff(old: FrameworkVersion, new: FrameworkVersion) -> FrameworkDiff:
    """Added, removed and changed requirements from `old` to `new` (two queries)."""
    return compare_requirements(_snapshots(old), _snapshots(new))


def untranslated_texts(framework: FrameworkVersion, language: str) -> list[str]:
    """The texts of a prefetched version shown in English in `language`, named as the loader
    names them ("notice", "section 2 title", "4b guidance", "checklist consent text", …)."""
    missing: list[str] = []

    def check(obj: Any, name: str, label: str) -> None:
        if obj.in_language(name, language).original:
            missing.append(label)

    check(framework, "title", "title")
    check(framework, "notice", "notice")
    for section in framework.sections.all():
        check(section, "title", f"section {section.number} title")
    for section in framework.sections.all():
        for standard in section.standards.all():
            check(standard, "title", f"standard {standard.number} title")
            check(standard, "evidence", f"standard {standard.number} evidence")
            for r in standard.requirements.all():
                for name in ("text", "guidance", "evidence"):
                    check(r, name, f"{standard.number}{r.letter} {name}")
    for item in framework.checklist.all():
        check(item, "text", f"checklist {item.code} text")
        check(item, "guidance", f"checklist {item.code} guidance")
    labels = framework.translated_value("procedure_categories", {}, language)
    for code, _label in framework.settings.procedure_categories:
        if not (isinstance(labels, dict) and labels.get(code)):
            missing.append(f"procedure category {code}")
    return missing
