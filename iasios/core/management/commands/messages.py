"""The message catalogues (iasios.core.catalogues): `update` the .po files from the marked strings,
`compile` them to .mo, list the template text still `unmarked`. Output for the person running it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.core import catalogues


class Command(BaseCommand):
    help = "Update (.po), compile (.mo) or check (unmarked template text) the message catalogues."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["update", "compile", "unmarked"])
        parser.add_argument("files", nargs="*", help="compile: these .po files (default: the out-of-date ones)")
        parser.add_argument("--force", action="store_true", help="compile even when the .mo is newer")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "update":
            template = catalogues.extract()
            self.stdout.write(f"{len(catalogues.msgids(template))} messages marked")
            for result in catalogues.update_catalogues(template=template):
                state = "updated" if result.changed else "unchanged"
                self.stdout.write(
                    f"{result.language}: {result.messages} messages, {result.translated} translated ({state})"
                )
        elif action == "compile":
            paths = [Path(name).resolve() for name in options["files"]] or None
            force = options["force"] or bool(paths)
            for mo in catalogues.compile_catalogues(paths, force=force):
                self.stdout.write(f"compiled {mo.relative_to(catalogues.base_dir())}")
        else:
            found = catalogues.unmarked_template_text()
            for spot in found:
                self.stdout.write(str(spot))
            if found:
                raise CommandError(f"{len(found)} unmarked text(s) in templates")
