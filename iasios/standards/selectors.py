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
def framework_export(framework: FrameworkVersion) -> dict[str, Any]:
    """The published tree as plain data: the shape of `standards_export` and of the API."""
    return {
        "code": framework.code,
        "version": framework.version,
        "title": framework.title,
        "sections": [
            {
                "number": section.number,
                "title": section.title,
                "standards": [
                    {
                        "number": standard.number,
                        "title": standard.title,
                        "requirements": [
                            {
                                "letter": r.letter,
                                "core": r.core,
                                "text": r.text,
                                "guidance": r.guidance,
                                "evidence": list(r.evidence),
                            }
                            for r in standard.requirements.all()
                        ],
                    }
                    for standard in section.standards.all()
                ],
            }
            for section in framework.sections.all()
        ],
    }


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
