"""Who may do what with a facility. Used by every page, endpoint and download.

A facility the user may not see answers 404 (its existence is not revealed); an action the
user may not take on a facility they can see answers 403.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from iasios.accounts.roles import FACILITY_EDITOR_ROLES, FACILITY_MANAGER_ROLES, FacilityRoleName, ProgrammeRoleName
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


def forget_facility_role(user: Any, facility: Facility) -> None:
    """Drop the cached role after a membership change."""
    getattr(user, "__dict__", {}).get("_facility_roles", {}).pop(facility.pk, None)


def is_office(user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.has_programme_role(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR)
    )


def is_programme_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_programme_staff)


def can_view_facility(user: Any, facility: Facility) -> bool:
    return is_office(user) or facility_role(user, facility) is not None


def can_edit_facility_work(user: Any, facility: Facility) -> bool:
    return facility_role(user, facility) in FACILITY_EDITOR_ROLES


def can_manage_team(user: Any, facility: Facility) -> bool:
    """Approve or decline join requests, remove members."""
    return is_office(user) or facility_role(user, facility) in FACILITY_MANAGER_ROLES


def can_see_code(user: Any, facility: Facility) -> bool:
    """The facility code is for the representative and the contact person, who hand it out."""
    return facility_role(user, facility) in FACILITY_MANAGER_ROLES


def can_regenerate_code(user: Any, facility: Facility) -> bool:
    return can_see_code(user, facility)


def can_handover(user: Any, facility: Facility) -> bool:
    """Hand the authorised representative role to another member: the holder or the office."""
    return is_office(user) or facility_role(user, facility) == FacilityRoleName.AUTHORISED_REPRESENTATIVE


def can_register_facility(user: Any) -> bool:
    """Anyone but programme staff, who never work inside a facility."""
    return not is_programme_staff(user)


def can_request_join(user: Any) -> bool:
    return getattr(user, "is_authenticated", False) and not is_programme_staff(user)


def get_visible_facility_or_404(user: Any, pk: Any) -> Facility:
    facility = Facility.objects.visible_to(user).filter(pk=pk).first()
    if facility is None:
        raise Http404
    return facility
