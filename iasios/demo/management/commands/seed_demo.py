"""Demo data for `make run`: one login per role and facilities in every state.

Idempotent: every object is looked up by a natural key before it is created, so a second run
changes nothing. Refused on a non-SQLite database unless DEBUG is on or --force is given:
demo passwords are public.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from iasios.demo import seed


class Command(BaseCommand):
    help = "Load demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even outside a development database.")
        parser.add_argument("--quiet", action="store_true", help="Do not print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        engine = settings.DATABASES["default"]["ENGINE"]
        if not (settings.DEBUG or engine.endswith("sqlite3") or options["force"]):
            raise CommandError("Demo data has public passwords: refusing outside a development database.")
        # The demo's own e-mails (activation, invoices…) are not sent anywhere.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            logins = seed.seed_all()
        if options["quiet"]:
            return
        out = self.stdout.write
        out("")
        out(f"Demo logins — password for every account: {seed.DEMO_PASSWORD}")
        width = max(len(login.role) for login in logins)
        email_width = max(len(login.email) for login in logins)
        for login in logins:
            detail = f"TOTP secret {login.totp_secret}" if login.totp_secret else login.facility
            out(f"  {login.role.ljust(width)}  {login.email.ljust(email_width)}  {detail}")
        out("")
        out("Programme staff also give a TOTP code: add the secret to an authenticator app, or print")
        out("the current code with  .venv/bin/python manage.py demo_totp EMAIL")
        summary = ", ".join(f"{n} {label.lower()}" for label, n in seed.demo_summary().items())
        out(f"Facilities: {summary}")
