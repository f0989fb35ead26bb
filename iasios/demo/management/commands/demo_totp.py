"""Print the current TOTP code of a demo staff account (development databases only)."""

from __future__ import annotations

import time
from typing import Any

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.demo.seed import demo_totp_secret


class Command(BaseCommand):
    help = "Print the current TOTP code of a demo account (its secret is derived from the e-mail)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")

    def handle(self, *args: Any, **options: Any) -> None:
        email: str = options["email"]
        if not email.endswith("@demo.example"):
            raise CommandError("Only demo accounts (…@demo.example) have a derivable secret.")
        counter = int(time.time()) // app_settings.TOTP_PERIOD
        self.stdout.write(format_hotp_value(hotp_value(demo_totp_secret(email), counter)))
