"""Expire awards whose term has ended and bring the next ones into force. Idempotent: run it
daily (or twice) without harm."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from iasios.decisions.services import award_sweep


class Command(BaseCommand):
    help = (
        "Expire every valid or suspended award whose term ended before today (superseded when the next "
        "award starts), and bring into force every award granted on re-certification whose start has come."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, today: date | None = None, **options: Any) -> None:
        result = award_sweep(today=today)
        self.stdout.write(
            f"{len(result.expired)} award(s) expired, {len(result.superseded)} superseded, "
            f"{len(result.started)} in force."
        )
