"""Compare two framework versions: `manage.py standards_diff CODE V1 V2`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.standards.diff import RequirementSnapshot
from iasios.standards.selectors import framework_diff, framework_get


def _line(sign: str, r: RequirementSnapshot) -> str:
    return f"  {sign} {r.reference:<4} [{r.tier}] {r.text}"


class Command(BaseCommand):
    help = "Print the requirements added, removed and changed (text, guidance, evidence or core flag) from V1 to V2."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("v1", help="The older version.")
        parser.add_argument("v2", help="The newer version.")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["code"]
        versions = []
        for version in (options["v1"], options["v2"]):
            framework = framework_get(code, version)
            if framework is None:
                raise CommandError(f"{code} {version} is not loaded.")
            versions.append(framework)
        old, new = versions
        diff = framework_diff(old, new)
        self.stdout.write(f"{code}: {old.version} → {new.version}")
        if diff.is_empty:
            self.stdout.write("No requirement differs.")
            return
        self.stdout.write(f"Added ({len(diff.added)}):")
        for r in diff.added:
            self.stdout.write(_line("+", r))
        self.stdout.write(f"Removed ({len(diff.removed)}):")
        for r in diff.removed:
            self.stdout.write(_line("-", r))
        self.stdout.write(f"Changed ({len(diff.changed)}):")
        for change in diff.changed:
            self.stdout.write(f"  ~ {change.reference:<4} {', '.join(change.fields)}")
            if "core" in change.fields:
                self.stdout.write(f"      tier: {change.before.tier} → {change.after.tier}")
            if "text" in change.fields:
                self.stdout.write(f"      was: {change.before.text}")
                self.stdout.write(f"      now: {change.after.text}")
