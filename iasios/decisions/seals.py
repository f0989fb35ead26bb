"""The levels a seal shows and their names: the award levels, and “enrolled” for a facility
enrolled in the programme that holds no award yet. The drawing is the certificates app's."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from iasios.decisions.models import AwardLevel

ENROLLED = "enrolled"

SEAL_LABELS: dict[str, str | Promise] = {
    ENROLLED: _("Enrolled Centre"),
    **{str(level.value): level.label for level in AwardLevel},
}

SEAL_LEVEL_NAMES = tuple(SEAL_LABELS)


def seal_label(level: str) -> str:
    """The name of a seal level, in the active language."""
    return str(SEAL_LABELS[level])
