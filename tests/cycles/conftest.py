"""The cycle tests reuse the application tests' set-up: an Enrolled Centre, its started cycle,
files in a temporary media folder, and the case review standing in (complete)."""

from tests.applications.conftest import _media, case_review, cycle, enrolled

__all__ = ["_media", "case_review", "cycle", "enrolled"]
