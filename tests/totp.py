"""Authenticator-app codes for tests, computed the way an app would (RFC 6238)."""

from __future__ import annotations

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value


def totp_code(secret: str, *, steps_ahead: int = 0) -> str:
    """The code an app shows now, or `steps_ahead` periods later."""
    counter = int(time.time()) // app_settings.TOTP_PERIOD + steps_ahead
    return format_hotp_value(hotp_value(secret, counter))
