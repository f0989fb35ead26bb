"""The two lifecycles of the assessment: an assignment and an evidence request.

Assignment:      proposed ──accept──▶ accepted ──submit──▶ submitted ──reopen──▶ accepted
                     └──decline──▶ declined         (any active) ──withdraw──▶ withdrawn
Evidence request: open ──answer──▶ answered ──accept──▶ accepted
                                     └──reask──▶ open     (open/answered) ──withdraw──▶ withdrawn
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from iasios.applications.models import CycleStatus
from iasios.assessment.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Assignment,
    AssignmentStatus,
    EvidenceRequest,
    EvidenceRequestStatus,
)
from iasios.core.statemachine import StateMachine, Transition
from iasios.facilities.access import is_office


def _own_assessor(user: Any, assignment: Assignment) -> bool:
    return user is not None and assignment.assessor_id == getattr(user, "pk", None)


def _office(user: Any, obj: Any) -> bool:
    return is_office(user)


def _office_or_system(user: Any, obj: Any) -> bool:
    return user is None or is_office(user)


def _review_complete(assignment: Assignment) -> str | None:
    from iasios.assessment.reviews import review_missing

    if assignment.cycle.status != CycleStatus.IN_ASSESSMENT:
        return str(_("The application is not in assessment."))
    missing = review_missing(assignment)
    if not missing:
        return None
    return str(_("Rate every requirement before submitting: %(refs)s still to rate.")) % {
        "refs": ", ".join(missing[:12]) + (" …" if len(missing) > 12 else "")
    }


ASSIGNMENT_LIFECYCLE: StateMachine[Assignment] = StateMachine(
    model=Assignment,
    field="status",
    transitions=[
        Transition(
            "accept", {AssignmentStatus.PROPOSED}, AssignmentStatus.ACCEPTED, who=_own_assessor, label=_("accept")
        ),
        Transition(
            "decline",
            {AssignmentStatus.PROPOSED},
            AssignmentStatus.DECLINED,
            who=_own_assessor,
            needs_reason=True,
            label=_("decline"),
        ),
        Transition(
            "submit_review",
            {AssignmentStatus.ACCEPTED},
            AssignmentStatus.SUBMITTED,
            who=_own_assessor,
            guard=_review_complete,
            label=_("submit the review"),
        ),
        Transition(
            "reopen_review",
            {AssignmentStatus.SUBMITTED},
            AssignmentStatus.ACCEPTED,
            who=_office_or_system,
            label=_("reopen the review for a new dossier revision"),
        ),
        Transition(
            "withdraw",
            set(ACTIVE_ASSIGNMENT_STATES),
            AssignmentStatus.WITHDRAWN,
            who=_office,
            needs_reason=True,
            label=_("withdraw the assignment"),
        ),
    ],
)


def _facility_editor(user: Any, request: EvidenceRequest) -> bool:
    from iasios.assessment.access import can_answer_request_role

    return user is not None and can_answer_request_role(user, request)


def _requesting_assessor(user: Any, request: EvidenceRequest) -> bool:
    """The assessor who asked, while their assignment is working (accepted or submitted)."""
    return (
        user is not None
        and request.assignment.assessor_id == getattr(user, "pk", None)
        and request.assignment.is_working
    )


def _requester_or_office(user: Any, request: EvidenceRequest) -> bool:
    return _requesting_assessor(user, request) or is_office(user)


EVIDENCE_REQUEST_LIFECYCLE: StateMachine[EvidenceRequest] = StateMachine(
    model=EvidenceRequest,
    field="status",
    transitions=[
        Transition(
            "answer",
            {EvidenceRequestStatus.OPEN},
            EvidenceRequestStatus.ANSWERED,
            who=_facility_editor,
            label=_("answer the request"),
        ),
        Transition(
            "accept",
            {EvidenceRequestStatus.ANSWERED},
            EvidenceRequestStatus.ACCEPTED,
            who=_requesting_assessor,
            label=_("accept the answer"),
        ),
        Transition(
            "reask",
            {EvidenceRequestStatus.ANSWERED},
            EvidenceRequestStatus.OPEN,
            who=_requesting_assessor,
            label=_("ask again"),
        ),
        Transition(
            "withdraw",
            {EvidenceRequestStatus.OPEN, EvidenceRequestStatus.ANSWERED},
            EvidenceRequestStatus.WITHDRAWN,
            who=_requester_or_office,
            needs_reason=True,
            label=_("withdraw the request"),
        ),
    ],
)
