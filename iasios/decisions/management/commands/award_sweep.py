"""Expire awards whose term has ended. Idempotent: run it daily (or twice) without harm."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from iasios.decisions.services import award_sweep


class Command(BaseCommand):
    help = "Expire every valid or suspended award whose term ended before today."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="YYYY-MM-DD (default: today)")

    def handle(self, *args: Any, today: date | None = None, **options: Any) -> None:
        expired = award_sweep(today=today)
        self.stdout.write(f"{len(expired)} award(s) expired.")
