"""Demo data for `make run`: one login per role and facilities in every state.

Idempotent: every object is looked up by a natural key before it is created, so a second run
changes nothing. Refused when DEBUG is off, unless --force: demo passwords are public.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from iasios.core.demo import seed


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even when DEBUG is off.")
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if (
            not settings.DEBUG
            and not options["force"]
            and not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")
        ):
            raise CommandError("Demo data has public passwords: refusing outside a development database.")
        with transaction.atomic():
            logins = seed.seed_all()
        if options["quiet"]:
            return
        width = max(len(login.role) for login in logins)
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {seed.DEMO_PASSWORD})")
        for login in logins:
            extra = f"   TOTP secret {login.totp_secret}" if login.totp_secret else ""
            self.stdout.write(f"  {login.role.ljust(width)}  {login.email}{extra}")
        self.stdout.write(
            "Programme staff sign in with a code from any authenticator app set up with the secret shown, "
            "or print the current code with: .venv/bin/python manage.py demo_totp EMAIL"
        )
