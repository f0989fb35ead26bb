"""Fixtures of the assessment tests: a submitted cycle in assessment, an assessor pool."""

from __future__ import annotations

from typing import Any

import pytest

from tests.applications.conftest import (  # noqa: F401 (autouse fixtures)
    CaseReviewStandIn,
    _media,
    case_review,
)
from tests.assessment.builders import World, build_world


@pytest.fixture
def world(cast: Any, framework: Any) -> World:
    return build_world(cast)
