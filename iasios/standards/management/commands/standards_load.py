"""Load framework files: `manage.py standards_load FILE [FILE…] [--activate] [--if-new]`.

The translations of each version (`translations/<code>-<version>/<language>.yaml` next to the
file) are loaded with it, and refreshed when a version is already loaded.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from iasios.standards.loader import FrameworkData, FrameworkFileInvalid, parse_framework_file
from iasios.standards.models import FrameworkStatus, FrameworkVersion
from iasios.standards.services import (
    FrameworkVersionClash,
    framework_activate,
    framework_load,
    framework_translations_sync,
)
from iasios.standards.translation_reader import (
    TranslationData,
    file_sha256,
    parse_translation_file,
    translation_dir,
)

# How many untranslated texts a line names before it stops.
MISSING_SHOWN = 8


def missing_line(language: str, missing: list[str], limit: int | None = MISSING_SHOWN) -> str:
    """ "de: 3 texts not translated: 4b guidance, …" (the first `limit` named; None: all)."""
    if not missing:
        return f"{language}: every text translated."
    shown = missing if limit is None else missing[:limit]
    names = ", ".join(shown) + (", …" if len(shown) < len(missing) else "")
    noun = "text" if len(missing) == 1 else "texts"
    return f"{language}: {len(missing)} {noun} not translated: {names}"


class Command(BaseCommand):
    help = (
        "Validate and load framework files (YAML) and their translations. Every error of every file is "
        "reported; if any file has an error, nothing is loaded. A loaded code + version never changes; its "
        "translations are refreshed from translations/<code>-<version>/<language>.yaml next to the file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", help="Framework files to load.")
        parser.add_argument(
            "--activate",
            action="store_true",
            help="Make each loaded version the current one of its code (the previous one is superseded).",
        )
        parser.add_argument(
            "--if-new",
            action="store_true",
            help="Say nothing about files already loaded with identical content and translation files unchanged "
            "since they were loaded (those are not read again); with --activate, make such a version current "
            "only when its code has no current version.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        activate, if_new = options["activate"], options["if_new"]
        parsed: list[tuple[str, FrameworkData]] = []
        errors: list[str] = []
        for name in options["files"]:
            try:
                parsed.append((name, parse_framework_file(name)))
            except FrameworkFileInvalid as exc:
                errors.extend(exc.errors)
        # The translations of each file: None when the files are those already loaded (--if-new).
        translations: dict[str, list[TranslationData] | None] = {}
        for name, data in parsed:
            files = sorted(translation_dir(name, data.code, data.version).glob("*.yaml"))
            if if_new:
                stored = (
                    FrameworkVersion.objects.filter(
                        code=data.code, version=data.version, source_sha256=data.content_sha256
                    )
                    .values_list("translation_sha256", flat=True)
                    .first()
                )
                if stored is not None and stored == {f.stem.lower(): file_sha256(f) for f in files}:
                    translations[name] = None
                    continue
            found: list[TranslationData] = []
            for path in files:
                try:
                    found.append(parse_translation_file(path, data))
                except FrameworkFileInvalid as exc:
                    errors.extend(exc.errors)
            translations[name] = found
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError(f"{len(errors)} error(s); nothing was loaded.")

        try:
            with transaction.atomic():
                for name, data in parsed:
                    result = framework_load(data=data, source_name=name)
                    framework = result.framework
                    label = f"{framework.code} {framework.version}"
                    if result.created:
                        self.stdout.write(
                            f"Loaded {label} from {name}: {len(data.sections)} sections, {len(data.standards)} "
                            f"standards, {data.requirement_count} requirements ({data.core_count} core), "
                            f"{len(data.checklist)} checklist items."
                        )
                    elif not if_new:
                        self.stdout.write(f"{label} is already loaded (identical content); nothing changed.")
                    self._translations(framework, translations[name], name, quiet=if_new and not result.created)
                    if activate and framework.status != FrameworkStatus.CURRENT:
                        # An old, identical file seen again must not undo a rollback the office made.
                        if (
                            if_new
                            and not result.created
                            and FrameworkVersion.objects.current().filter(code=framework.code).exists()
                        ):
                            continue
                        framework_activate(framework=framework)
                        self.stdout.write(f"{label} is now current.")
        except FrameworkVersionClash as exc:
            self.stderr.write(str(exc))
            raise CommandError("Nothing was loaded.") from exc

    def _translations(
        self, framework: FrameworkVersion, found: list[TranslationData] | None, name: str, *, quiet: bool
    ) -> None:
        if found is None:  # unchanged since loaded (--if-new)
            return
        result = framework_translations_sync(framework=framework, translations=found)
        label = f"{framework.code} {framework.version}"
        if result.loaded:
            where = translation_dir(name, framework.code, framework.version)
            self.stdout.write(f"Translations of {label} loaded from {where}: {', '.join(result.loaded)}.")
        if result.removed:
            self.stdout.write(f"Translations of {label} removed (no file any more): {', '.join(result.removed)}.")
        if result.unchanged and not quiet:
            self.stdout.write(f"Translations of {label} unchanged: {', '.join(result.unchanged)}.")
        for data in found:
            if data.language in result.loaded or not quiet:
                self.stdout.write(missing_line(data.language, data.missing))


__all__ = ["Command", "missing_line"]
