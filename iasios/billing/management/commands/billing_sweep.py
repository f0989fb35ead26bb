"""Issue annual invoices on membership anniversaries, warn about and lapse unpaid memberships.

Idempotent: safe to run every hour (e.g. from cron or a systemd timer).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.billing.services import billing_sweep


class Command(BaseCommand):
    help = "Issue annual fee invoices due today, warn about overdue ones and lapse unpaid memberships."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("today"):
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be a date like 2026-05-31") from exc
        result = billing_sweep(today=today)
        for line in result.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"billing sweep: {len(result.issued)} invoice(s) issued, {len(result.warned)} warning(s) sent, "
            f"{len(result.lapsed)} membership(s) lapsed"
        )
