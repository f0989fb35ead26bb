"""`manage.py verify_integrity`: recompute every hash the platform recorded and list what differs.

Evidence files (SHA-256 and size of the stored bytes), frozen dossiers (canonical hash of the
snapshot, and the evidence revisions it froze), certificates (their issued data) and stored
documents (their files). Prints one line per problem and the counts checked; exits with status
1 when anything is missing or differs, so a backup drill or a monitor can act on it.

It lives in certificates, the highest app whose data it checks (the layer order, README).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.applications import integrity as applications_integrity
from iasios.certificates import integrity as certificates_integrity
from iasios.core import integrity as core_integrity
from iasios.core.integrity import Problem


def problems() -> Iterator[Problem]:
    yield from applications_integrity.evidence_problems()
    yield from applications_integrity.dossier_problems()
    yield from certificates_integrity.certificate_problems()
    yield from core_integrity.stored_document_problems()


def counts() -> dict[str, int]:
    return {
        **applications_integrity.counts(),
        **certificates_integrity.counts(),
        "stored document": core_integrity.stored_document_count(),
    }


class Command(BaseCommand):
    help = (
        "Recompute every recorded SHA-256 (evidence, dossiers, certificates, stored documents); exit 1 on a mismatch."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="Print the counts and problems as JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        found = list(problems())
        checked = counts()
        if options["json"]:
            self.stdout.write(json.dumps({"checked": checked, "problems": [str(p) for p in found]}, indent=2))
        else:
            for problem in found:
                self.stdout.write(str(problem))
            self.stdout.write("checked: " + ", ".join(f"{n} {kind}" for kind, n in checked.items()))
        if found:
            raise CommandError(f"{len(found)} integrity problem(s)", returncode=1)
        if not options["json"]:
            self.stdout.write(self.style.SUCCESS("every hash verifies"))
