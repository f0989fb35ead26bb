"""Writes of the standards library: loading a framework version and making a version current.

Loading validates the whole file first (loader.py) and then writes the tree in one transaction,
so a bad file never leaves half a framework behind. A code + version, once loaded, is fixed:
loading the identical content again changes nothing, different content under the same code
and version is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from iasios.core.events import record_event
from iasios.core.refusals import Conflict, NotPermitted
from iasios.standards.lifecycle import FRAMEWORK_LIFECYCLE, may_manage_frameworks
from iasios.standards.loader import FrameworkData
from iasios.standards.models import (
    ChecklistItem,
    FrameworkStatus,
    FrameworkVersion,
    Requirement,
    Section,
    Standard,
)


class FrameworkVersionClash(Conflict):
    """Different content under a code and version that is already loaded."""


@dataclass(frozen=True)
class LoadResult:
    framework: FrameworkVersion
    created: bool


def framework_load(*, data: FrameworkData, source_name: str = "", actor: Any = None) -> LoadResult:
    """Write a validated framework version, or find the identical one already loaded."""
    if not may_manage_frameworks(actor):
        raise NotPermitted(_("You may not load framework versions."))
    digest = data.content_sha256
    with transaction.atomic():
        existing = FrameworkVersion.objects.filter(code=data.code, version=data.version).first()
        if existing is not None:
            if existing.source_sha256 == digest:
                return LoadResult(existing, created=False)
            raise FrameworkVersionClash(
                _(
                    "%(code)s %(version)s is already loaded with different content (loaded from %(name)s). "
                    "A loaded version never changes: give the new content a new version number."
                )
                % {"code": data.code, "version": data.version, "name": existing.source_name or "?"}
            )
        framework = FrameworkVersion.objects.create(
            code=data.code,
            version=data.version,
            title=data.title,
            published_on=data.published,
            notice=data.notice,
            programme=data.programme,
            source_sha256=digest,
            source_name=Path(source_name).name[:255],
        )
        sections = Section.objects.bulk_create(
            [Section(framework=framework, number=s.number, title=s.title) for s in data.sections]
        )
        section_by_number = {s.number: s for s in sections}
        standards = Standard.objects.bulk_create(
            [
                Standard(
                    framework=framework,
                    section=section_by_number[s.section],
                    number=s.number,
                    title=s.title,
                    evidence=list(s.evidence),
                )
                for s in data.standards
            ]
        )
        requirements: list[Requirement] = []
        for standard, standard_data in zip(standards, data.standards, strict=True):
            for r in standard_data.requirements:
                requirements.append(
                    Requirement(
                        framework=framework,
                        standard=standard,
                        letter=r.letter,
                        core=r.core,
                        text=r.text,
                        guidance=r.guidance,
                        evidence=list(r.evidence),
                        position=len(requirements),
                    )
                )
        Requirement.objects.bulk_create(requirements)
        ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(
                    framework=framework,
                    code=item.code,
                    text=item.text,
                    guidance=item.guidance,
                    target_percent=item.target_percent,
                    records_grade=item.records_grade,
                    position=position,
                )
                for position, item in enumerate(data.checklist)
            ]
        )
        record_event(
            obj=framework,
            action="framework_loaded",
            actor=actor,
            to_state=framework.status,
            data={
                "source": framework.source_name,
                "sha256": digest,
                "sections": len(sections),
                "standards": len(standards),
                "requirements": len(requirements),
                "core": data.core_count,
                "checklist_items": len(data.checklist),
            },
        )
    return LoadResult(framework, created=True)


def framework_activate(*, framework: FrameworkVersion, actor: Any = None, reason: str = "") -> FrameworkVersion:
    """Make `framework` the current version of its code; the previous current one is superseded.

    Both steps go through the lifecycle, so each writes its own event. Activating the version
    that is already current changes nothing. `framework` itself is brought up to date.
    """
    if not may_manage_frameworks(actor):
        raise NotPermitted(_("You may not change which framework version is current."))
    with transaction.atomic():
        # Lock every version of the code so that two activations cannot interleave.
        siblings = list(FrameworkVersion.objects.select_for_update().filter(code=framework.code).order_by("pk"))
        target = next(v for v in siblings if v.pk == framework.pk)
        if target.status == FrameworkStatus.CURRENT:
            framework.refresh_from_db(fields=["status"])
            return framework
        previous = next((v for v in siblings if v.status == FrameworkStatus.CURRENT), None)
        if previous is not None:
            FRAMEWORK_LIFECYCLE.apply(
                previous, "supersede", actor=actor, reason=reason, data={"superseded_by": framework.version}
            )
        return FRAMEWORK_LIFECYCLE.apply(
            framework,
            "activate",
            actor=actor,
            reason=reason,
            data={"previous": previous.version if previous is not None else None},
        )
