"""Who may see and do what in the assessment. Used by pages, API and downloads alike.

An object the user may not see answers 404 (its existence is not revealed); an action the user
may not take on an object they can see answers 403.

- The office (and administrators) see every assessment object.
- An assessor sees their own assignments; the cycle, its dossier, evidence requests and visit
  only through an accepted (or submitted) assignment on that cycle.
- An assessor sees the other assessor's ratings only once their own review is submitted.
- Facility members see the evidence requests of their cycles; editors answer them.

Who may take a step of an assignment or an evidence request (accept, submit, answer, …) is the
transition's `who` in lifecycle.py; pages ask the lifecycle's `available()` for their buttons.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from iasios.accounts.roles import FACILITY_EDITOR_ROLES, ProgrammeRoleName
from iasios.applications.models import CycleStatus
from iasios.assessment.models import (
    Assignment,
    AssignmentStatus,
    EvidenceRequest,
)
from iasios.assessment.selectors import is_assigned_assessor
from iasios.facilities.access import facility_role, is_office


def is_assessor(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_programme_role(ProgrammeRoleName.ASSESSOR))


# ----------------------------------------------------------------------------- assignments


def can_view_assignment(user: Any, assignment: Assignment) -> bool:
    return is_office(user) or assignment.assessor_id == getattr(user, "pk", None)


def can_review(user: Any, assignment: Assignment) -> bool:
    """Open the review page: the assessor of an accepted or submitted assignment."""
    return assignment.assessor_id == getattr(user, "pk", None) and assignment.is_working


def can_rate(user: Any, assignment: Assignment) -> bool:
    return (
        assignment.assessor_id == getattr(user, "pk", None)
        and assignment.status == AssignmentStatus.ACCEPTED
        and assignment.cycle.status == CycleStatus.IN_ASSESSMENT
    )


def can_see_other_ratings(user: Any, assignment: Assignment) -> bool:
    """Independence: the other assessor's ratings only after submitting one's own."""
    return assignment.assessor_id == getattr(user, "pk", None) and assignment.status == AssignmentStatus.SUBMITTED


def get_own_assignment_or_404(user: Any, pk: Any) -> Assignment:
    assignment = (
        Assignment.objects.select_related("cycle__facility", "cycle__framework", "assessor").filter(pk=pk).first()
    )
    if assignment is None or not can_view_assignment(user, assignment):
        raise Http404
    return assignment


def can_download_assessor_report(user: Any, assignment: Assignment) -> bool:
    """The assessor report of an assignment: the office, and its assessor once they work on it."""
    return is_office(user) or (assignment.assessor_id == getattr(user, "pk", None) and assignment.is_working)


# ----------------------------------------------------------------------------- cycles


def can_view_assessment(user: Any, cycle: Any) -> bool:
    """The assessment side of a cycle (visit, requests, others' work): the office and assigned assessors."""
    return is_office(user) or is_assigned_assessor(user, cycle)


# ----------------------------------------------------------------------------- evidence requests


def can_view_request(user: Any, request: EvidenceRequest) -> bool:
    return (
        is_office(user)
        or facility_role(user, request.cycle.facility) is not None
        or is_assigned_assessor(user, request.cycle)
    )


def can_answer_request_role(user: Any, request: EvidenceRequest) -> bool:
    return facility_role(user, request.cycle.facility) in FACILITY_EDITOR_ROLES


def can_view_facility_requests(user: Any, cycle: Any) -> bool:
    return is_office(user) or facility_role(user, cycle.facility) is not None or is_assigned_assessor(user, cycle)


def get_visible_request_or_404(user: Any, pk: Any) -> EvidenceRequest:
    request = (
        EvidenceRequest.objects.select_related(
            "cycle__facility", "cycle__framework", "assignment__assessor", "requirement__standard"
        )
        .filter(pk=pk)
        .first()
    )
    if request is None or not can_view_request(user, request):
        raise Http404
    return request
