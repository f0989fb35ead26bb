"""Print a framework version as data: `manage.py standards_export [CODE [VERSION]] [--language de]`."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.standards.selectors import CURRENT_ALIAS, current_framework, framework_export, framework_get
from iasios.standards.translations import ORIGINAL_LANGUAGE


class Command(BaseCommand):
    help = "Print the sections, standards and requirements of a version (default: the current one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="?", help="Framework code (default: the current framework's).")
        parser.add_argument("version", nargs="?", default=CURRENT_ALIAS, help="Version (default: current).")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument(
            "--language",
            help="Give the texts in this language (one of the site's languages), the English where a text is "
            "not translated; those are listed under english_original.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        framework = named_framework(options["code"], options["version"])
        language = options["language"]
        if language is not None:
            language = language.lower()
            known = [code.lower() for code, _name in settings.LANGUAGES]
            if language not in known:
                raise CommandError(f"Unknown language “{language}” (languages: {', '.join(known)}).")
            if language == ORIGINAL_LANGUAGE:
                language = None
        self.stdout.write(json.dumps(framework_export(framework, language), indent=2, ensure_ascii=False))


def named_framework(code: str | None, version: str) -> Any:
    """The framework version a command's arguments name (the current one's code by default), as a tree."""
    if code is None:
        current = current_framework()
        if current is None:
            raise CommandError("No framework version is current; name a code and a version.")
        code = current.code
    framework = framework_get(code, version, tree=True)
    if framework is None:
        raise CommandError(f"{code} {version} is not loaded.")
    return framework
