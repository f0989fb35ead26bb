"""The daily sweep: billing, award expiry, then reminders. Idempotent, so safe to run hourly."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.billing.services import billing_sweep
from iasios.decisions.services import award_sweep
from iasios.sweeps.reminders import reminders_sweep

logger = logging.getLogger(__name__)


def _billing(today: date | None) -> list[str]:
    result = billing_sweep(today=today)
    return [
        *result.lines(),
        f"billing: {len(result.issued)} invoice(s) issued, {len(result.warned)} warning(s) sent, "
        f"{len(result.lapsed)} membership(s) lapsed",
    ]


def _awards(today: date | None) -> list[str]:
    # Ended terms expire (or give way to the next award), and awards granted on re-certification come into force.
    return award_sweep(today=today).lines()


def _reminders(today: date | None) -> list[str]:
    result = reminders_sweep(today=today)
    return [
        *result.lines(),
        f"reminders: {len(result.evidence)} evidence request reminder(s), {len(result.awards)} award reminder(s)",
    ]


STEPS: list[tuple[str, Callable[[date | None], list[str]]]] = [
    ("billing", _billing),
    ("awards", _awards),
    ("reminders", _reminders),
]


class Command(BaseCommand):
    help = "Run the daily sweeps in order: billing, awards (expiry, succession), reminders. A second run does nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options.get("today"):
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today must be a date like 2026-05-31") from exc
        failed = []
        for name, step in STEPS:
            # One step failing (say, a mail template error) must not stop the others.
            try:
                lines = step(today)
            except Exception:
                logger.exception("sweep step %s failed", name)
                failed.append(name)
                continue
            for line in lines:
                self.stdout.write(line)
        if failed:
            raise CommandError(f"sweep: step(s) failed: {', '.join(failed)}")
