"""Print a framework version as data: `manage.py standards_export [CODE [VERSION]] --format json`."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.standards.selectors import CURRENT_ALIAS, current_framework, framework_export, framework_get


class Command(BaseCommand):
    help = "Print the sections, standards and requirements of a version (default: the current one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", nargs="?", help="Framework code (default: the current framework's).")
        parser.add_argument("version", nargs="?", default=CURRENT_ALIAS, help="Version (default: current).")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"]
        if code is None:
            current = current_framework()
            if current is None:
                raise CommandError("No framework version is current; name a code and a version.")
            code = current.code
        framework = framework_get(code, options["version"], tree=True)
        if framework is None:
            raise CommandError(f"{code} {options['version']} is not loaded.")
        self.stdout.write(json.dumps(framework_export(framework), indent=2, ensure_ascii=False))
