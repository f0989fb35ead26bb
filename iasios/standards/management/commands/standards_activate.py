"""Make a loaded framework version current: `manage.py standards_activate CODE VERSION`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.core.refusals import Refusal
from iasios.standards.models import FrameworkStatus
from iasios.standards.selectors import framework_get
from iasios.standards.services import framework_activate


class Command(BaseCommand):
    help = (
        "Make a loaded framework version current; the version that was current is superseded (roll back the same way)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("version")
        parser.add_argument("--reason", default="", help="Why, kept in the version's timeline.")

    def handle(self, *args: Any, **options: Any) -> None:
        framework = framework_get(options["code"], options["version"])
        if framework is None:
            raise CommandError(f"{options['code']} {options['version']} is not loaded.")
        if framework.status == FrameworkStatus.CURRENT:
            self.stdout.write(f"{framework.code} {framework.version} is already current.")
            return
        try:
            framework_activate(framework=framework, reason=options["reason"])
        except Refusal as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{framework.code} {framework.version} is now current.")
