from __future__ import annotations

from typing import Any

import pytest

NINE = ["en", "de", "fr", "es", "it", "pt", "pl", "tr", "zh-hans"]


@pytest.fixture(autouse=True)
def nine_languages(settings: Any) -> list[str]:
    """The nine interface languages, whatever the settings ship at the time the test runs."""
    settings.LANGUAGES = [(code, code) for code in NINE]
    return NINE
