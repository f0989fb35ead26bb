"""Load framework files: `manage.py standards_load FILE [FILE…] [--activate] [--if-new]`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from iasios.standards.loader import FrameworkData, FrameworkFileInvalid, parse_framework_file
from iasios.standards.models import FrameworkStatus, FrameworkVersion
from iasios.standards.services import FrameworkVersionClash, framework_activate, framework_load


class Command(BaseCommand):
    help = (
        "Validate and load framework files (YAML). Every error of every file is reported; if any file "
        "has an error, nothing is loaded. A loaded code + version never changes."
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
            help="Say nothing about files already loaded with identical content; with --activate, make such "
            "a version current only when its code has no current version.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parsed: list[tuple[str, FrameworkData]] = []
        errors: list[str] = []
        for name in options["files"]:
            try:
                parsed.append((name, parse_framework_file(name)))
            except FrameworkFileInvalid as exc:
                errors.extend(exc.errors)
        if errors:
            for line in errors:
                self.stderr.write(line)
            raise CommandError(f"{len(errors)} error(s); nothing was loaded.")

        activate, if_new = options["activate"], options["if_new"]
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
