"""Reads of the standards library."""

from __future__ import annotations

from iasios.standards.models import FrameworkVersion
from iasios.standards.programme import ProgrammeSettings


class NoCurrentFramework(Exception):
    """No framework version is current: load one with `manage.py standards_load --activate`."""


def current_framework(code: str | None = None) -> FrameworkVersion | None:
    qs = FrameworkVersion.objects.current()
    if code:
        qs = qs.filter(code=code)
    return qs.order_by("-published_on").first()


def current_programme_settings() -> ProgrammeSettings:
    framework = current_framework()
    if framework is None:
        raise NoCurrentFramework(NoCurrentFramework.__doc__)
    return framework.settings
