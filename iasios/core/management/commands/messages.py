"""The message catalogues (iasios.core.catalogues): `update` the .po files from the marked strings,
`merge` a translator's .po into a language's catalogue, `compile` them to .mo, list the template text
still `unmarked`. Output for the person running it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.core import catalogues


class Command(BaseCommand):
    help = "Update (.po), compile (.mo) or check (unmarked template text) the message catalogues."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["update", "merge", "compile", "unmarked"])
        parser.add_argument(
            "files",
            nargs="*",
            help="compile: these .po files (default: the out-of-date ones); merge: LANGUAGE FILE.po [FILE.po …]",
        )
        parser.add_argument("--force", action="store_true", help="compile even when the .mo is newer")
        parser.add_argument("--overwrite", action="store_true", help="merge: replace translations that differ")

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
        elif action == "merge":
            self._merge(options["files"], options["overwrite"])
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

    def _merge(self, arguments: list[str], overwrite: bool) -> None:
        if len(arguments) < 2 or arguments[0] not in catalogues.PLURAL_FORMS:
            raise CommandError(f"merge LANGUAGE FILE.po …; LANGUAGE is one of {', '.join(catalogues.PLURAL_FORMS)}")
        language = arguments[0]
        for name in arguments[1:]:
            result = catalogues.merge_translations(language, Path(name), overwrite=overwrite)
            self.stdout.write(
                f"{language} from {name}: {result.filled} filled, {result.replaced} replaced, "
                f"{result.kept} kept (differing; --overwrite replaces them), {len(result.skipped)} skipped "
                f"(fuzzy or wrong plural forms), {len(result.unknown)} not in the catalogue"
            )
            for message in result.skipped:
                self.stdout.write(f"  skipped: {message}")
            for message in result.unknown:
                self.stdout.write(f"  not in the catalogue: {message}")
