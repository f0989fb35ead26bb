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
from iasios.standards.translation_reader import TranslationData


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


@dataclass(frozen=True)
class TranslationsResult:
    loaded: tuple[str, ...]  # languages written (new or changed files)
    unchanged: tuple[str, ...]
    removed: tuple[str, ...]  # languages whose file is gone


def framework_translations_sync(
    *, framework: FrameworkVersion, translations: list[TranslationData], actor: Any = None
) -> TranslationsResult:
    """Make the version's translations those of `translations` (one per language, validated
    against this version's English): changed languages are rewritten, languages without a file
    are removed, unchanged ones (same file SHA-256) are left alone. The version's content and
    content hash are not touched: a translation is never part of the version (decision 0029)."""
    if not may_manage_frameworks(actor):
        raise NotPermitted(_("You may not load framework versions."))
    stored: dict[str, str] = dict(framework.translation_sha256 or {})
    wanted = {t.language: t for t in translations}
    changed = {lang: t for lang, t in wanted.items() if stored.get(lang) != t.sha256}
    removed = sorted(set(stored) - set(wanted))
    unchanged = tuple(sorted(set(wanted) - set(changed)))
    if not changed and not removed:
        return TranslationsResult((), unchanged, ())
    touched = set(changed) | set(removed)

    def merged(current: dict[str, Any] | None, texts: dict[str, dict[str, Any]]) -> dict[str, Any]:
        result = {lang: value for lang, value in (current or {}).items() if lang not in touched}
        result.update({lang: value for lang, value in texts.items() if value})
        return result

    with transaction.atomic():
        framework = FrameworkVersion.objects.select_for_update().get(pk=framework.pk)
        framework.translations = merged(
            framework.translations,
            {
                lang: {
                    **t.framework,
                    **({"procedure_categories": t.procedure_categories} if t.procedure_categories else {}),
                }
                for lang, t in changed.items()
            },
        )
        framework.translation_sha256 = {
            **{lang: sha for lang, sha in stored.items() if lang not in touched},
            **{lang: t.sha256 for lang, t in changed.items()},
        }
        framework.save(update_fields=["translations", "translation_sha256", "updated_at"])

        def update(rows: list[Any], key: Any, texts_of: Any) -> None:
            dirty = []
            for row in rows:
                new = merged(row.translations, {lang: texts_of(t).get(key(row), {}) for lang, t in changed.items()})
                if new != (row.translations or {}):
                    row.translations = new
                    dirty.append(row)
            if dirty:
                type(rows[0]).objects.bulk_update(dirty, ["translations"], batch_size=500)

        update(list(Section.objects.filter(framework=framework)), lambda r: r.number, lambda t: t.sections)
        update(list(Standard.objects.filter(framework=framework)), lambda r: r.number, lambda t: t.standards)
        update(
            list(Requirement.objects.filter(framework=framework).select_related("standard")),
            lambda r: (r.standard.number, r.letter),
            lambda t: t.requirements,
        )
        update(list(ChecklistItem.objects.filter(framework=framework)), lambda r: r.code, lambda t: t.checklist)
        record_event(
            obj=framework,
            action="framework_translations_loaded",
            actor=actor,
            data={
                "loaded": {lang: t.sha256 for lang, t in sorted(changed.items())},
                "removed": removed,
            },
        )
    return TranslationsResult(tuple(sorted(changed)), unchanged, tuple(removed))
