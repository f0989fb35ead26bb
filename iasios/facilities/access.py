"""Who may do what with a facility. Used by every page, endpoint and download."""

from __future__ import annotations

from typing import Any

from iasios.accounts.roles import FACILITY_EDITOR_ROLES, FACILITY_MANAGER_ROLES, ProgrammeRoleName
from iasios.facilities.models import Facility, Membership


def facility_role(user: Any, facility: Facility) -> str | None:
    """The user's role in the facility, or None. Cached per request on the user object."""
    if not getattr(user, "is_authenticated", False):
        return None
    cache: dict[Any, str | None] = user.__dict__.setdefault("_facility_roles", {})
    if facility.pk not in cache:
        cache[facility.pk] = (
            Membership.objects.filter(user=user, facility=facility).values_list("role", flat=True).first()
        )
    return cache[facility.pk]


def is_office(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_programme_role(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)
    )


def can_view_facility(user: Any, facility: Facility) -> bool:
    return is_office(user) or facility_role(user, facility) is not None


def can_edit_facility_work(user: Any, facility: Facility) -> bool:
    return facility_role(user, facility) in FACILITY_EDITOR_ROLES


def can_manage_team(user: Any, facility: Facility) -> bool:
    return is_office(user) or facility_role(user, facility) in FACILITY_MANAGER_ROLES
