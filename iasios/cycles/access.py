"""Who may see a cycle and download its evidence, with the assessors in.

The rules are written once in `iasios.applications.access`; the fact they need from above the
applications app (does this person assess this cycle, or a cycle of this facility?) is the
assessment app's, and this layer, which knows both, passes it in. Pages and API endpoints of a
cycle use these, and the application and case review pages get them from their URL tables.
"""

from __future__ import annotations

from typing import Any

from iasios.applications import access as application_access
from iasios.applications.models import Cycle, EvidenceRevision
from iasios.assessment.selectors import is_assessor_of_facility, is_assigned_assessor


def can_view_cycle(user: Any, cycle: Cycle) -> bool:
    return application_access.can_view_cycle(user, cycle, assigned_assessor=is_assigned_assessor)


def get_visible_cycle_or_404(user: Any, pk: Any) -> Cycle:
    return application_access.get_visible_cycle_or_404(user, pk, assigned_assessor=is_assigned_assessor)


def can_download_revision(user: Any, revision: EvidenceRevision) -> bool:
    return application_access.can_download_revision(user, revision, assessor_of_facility=is_assessor_of_facility)


def get_visible_revision_or_404(user: Any, pk: Any) -> EvidenceRevision:
    return application_access.get_visible_revision_or_404(user, pk, assessor_of_facility=is_assessor_of_facility)
