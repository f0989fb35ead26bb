from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _codes_survive_a_window_change(settings: Any) -> None:
    # A code computed just before a 30-second boundary and checked just after it stays valid,
    # so no test depends on when in the window it runs.
    settings.MFA_TOTP_TOLERANCE = 1
