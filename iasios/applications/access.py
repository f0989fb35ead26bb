"""Who may see and change a cycle (and everything inside it: answers, evidence links, case review).

Used by every page, endpoint and download of the applications and case review apps.
"""

from __future__ import annotations

from typing import Any

from iasios.accounts.roles import FACILITY_EDITOR_ROLES, FacilityRoleName
from iasios.applications.models import Cycle, CycleStatus
from iasios.facilities.access import facility_role, is_office
from iasios.facilities.models import FacilityStatus


def can_view_cycle(user: Any, cycle: Cycle) -> bool:
    """The facility's members and the office. Assessors gain access per assignment (assessment app)."""
    return is_office(user) or facility_role(user, cycle.facility) is not None


def can_edit_cycle(user: Any, cycle: Cycle) -> bool:
    """Contributors and up, while the cycle is a draft and the membership is not lapsed."""
    return (
        cycle.status == CycleStatus.DRAFT
        and cycle.facility.status == FacilityStatus.ENROLLED
        and facility_role(user, cycle.facility) in FACILITY_EDITOR_ROLES
    )


def can_submit_cycle(user: Any, cycle: Cycle) -> bool:
    """Only the authorised representative signs the declaration."""
    return facility_role(user, cycle.facility) == FacilityRoleName.AUTHORISED_REPRESENTATIVE
