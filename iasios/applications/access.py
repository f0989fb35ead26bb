"""Who may see and change a cycle (and everything inside it: answers, evidence links, case review),
and a facility's evidence library.

Used by every page, endpoint and download of the applications and case review apps. An object
the user may not see answers 404 (its existence is not revealed); an action the user may not
take on an object they can see answers 403.

Assessors working on a cycle see it too, but who works on which cycle is the assessment app's
fact, above this one: the rules that need it take it as an argument (`assigned_assessor`,
`assessor_of_facility`), and `iasios.cycles.access` gives them the assessment's selectors. The
pages below the cycles app receive that resolver from their URL table (`CycleResolver`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q, Subquery
from django.http import Http404

from iasios.accounts.roles import FACILITY_EDITOR_ROLES, FacilityRoleName, ProgrammeRoleName
from iasios.applications.models import (
    EDITABLE_CYCLE_STATES,
    FULLY_EDITABLE_CYCLE_STATES,
    AmendmentItem,
    AmendmentRound,
    Answer,
    Cycle,
    CycleStatus,
    Dossier,
    EvidenceDocument,
    EvidenceRevision,
)
from iasios.facilities.access import facility_role, is_office
from iasios.facilities.models import Facility, FacilityStatus

# The states in which the committee has (or had) the cycle: it decides on it, hears an appeal
# against its decision ("areas to amend" leaves the cycle amending), and decides again after one.
COMMITTEE_CYCLE_STATES = frozenset({CycleStatus.WITH_COMMITTEE, CycleStatus.DECIDED, CycleStatus.AMENDING})


def is_committee_member(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_programme_role(ProgrammeRoleName.COMMITTEE))


AssignedAssessor = Callable[[Any, Cycle], bool]
"""(user, cycle) → does the user assess the cycle (an accepted assignment)? The assessment app knows."""

AssessorOfFacility = Callable[[Any, Any], bool]
"""(user, facility id) → does the user assess any cycle of the facility? The assessment app knows."""

CycleResolver = Callable[[Any, Any], Cycle]
"""(user, cycle id) → the cycle if the user may see it, else Http404: what a cycle's pages are given."""

RevisionResolver = Callable[[Any, Any], EvidenceRevision]
"""(user, revision id) → the evidence revision if the user may download it, else Http404."""


def can_view_cycle(user: Any, cycle: Cycle, *, assigned_assessor: AssignedAssessor) -> bool:
    """The facility's members, the office, assessors with an accepted assignment on the cycle, and
    committee members once the cycle has reached the committee."""
    if is_office(user) or facility_role(user, cycle.facility) is not None:
        return True
    if cycle.status in COMMITTEE_CYCLE_STATES and is_committee_member(user):
        return True
    return assigned_assessor(user, cycle)


def can_edit_cycle(user: Any, cycle: Cycle) -> bool:
    """Contributors and up, while the cycle is with the facility (draft, returned, amending) and
    the membership is not lapsed. In amending, only the reopened answers: see can_edit_answer."""
    return (
        cycle.status in EDITABLE_CYCLE_STATES
        and cycle.facility.status == FacilityStatus.ENROLLED
        and facility_role(user, cycle.facility) in FACILITY_EDITOR_ROLES
    )


def answer_is_reopened(answer: Answer) -> bool:
    """Is the answer part of its cycle's current amendment round?"""
    current = AmendmentRound.objects.filter(cycle_id=answer.cycle_id).order_by("-number").values("pk")[:1]
    return AmendmentItem.objects.filter(round_id=Subquery(current), answer_id=answer.pk).exists()


def can_edit_answer(user: Any, answer: Answer, cycle: Cycle | None = None) -> bool:
    """An answer (its claim, narrative and evidence links) may change: the cycle is editable and,
    in an amendment round, the answer is one of those the decision reopened."""
    cycle = cycle or answer.cycle
    if not can_edit_cycle(user, cycle):
        return False
    return cycle.status != CycleStatus.AMENDING or answer_is_reopened(answer)


def can_edit_case_review(user: Any, cycle: Cycle) -> bool:
    """The case review changes with the whole application (draft, returned), not in an amendment round."""
    return cycle.status in FULLY_EDITABLE_CYCLE_STATES and can_edit_cycle(user, cycle)


def can_submit_cycle(user: Any, cycle: Cycle) -> bool:
    """Only the authorised representative signs the declaration."""
    return facility_role(user, cycle.facility) == FacilityRoleName.AUTHORISED_REPRESENTATIVE


def can_start_cycle(user: Any, facility: Facility) -> bool:
    """Editors of an Enrolled Centre (the service checks there is no open cycle)."""
    return facility.status == FacilityStatus.ENROLLED and facility_role(user, facility) in FACILITY_EDITOR_ROLES


def can_view_evidence(user: Any, facility: Facility) -> bool:
    """The evidence library (and downloading its files): the facility's members and the office."""
    return is_office(user) or facility_role(user, facility) is not None


def can_edit_evidence(user: Any, facility: Facility) -> bool:
    """Upload and describe documents: editors of an Enrolled Centre."""
    return facility.status == FacilityStatus.ENROLLED and facility_role(user, facility) in FACILITY_EDITOR_ROLES


def in_committee_dossier(revision: EvidenceRevision) -> bool:
    """Is the revision part of a dossier of a cycle that has reached the committee?"""
    listed = Dossier.objects.filter(
        cycle__facility_id=revision.document.facility_id, cycle__status__in=COMMITTEE_CYCLE_STATES
    ).values_list("snapshot__evidence_revisions", flat=True)
    wanted = str(revision.pk)
    return any(entry.get("id") == wanted for entries in listed for entry in entries or [])


def can_download_revision(user: Any, revision: EvidenceRevision, *, assessor_of_facility: AssessorOfFacility) -> bool:
    """Members and the office; assessors with an accepted assignment on any cycle of the facility
    (the dossier and the answers to their evidence requests point into the facility's library);
    committee members, for the revisions frozen in a dossier they may see."""
    if can_view_evidence(user, revision.document.facility):
        return True
    if is_committee_member(user) and in_committee_dossier(revision):
        return True
    return assessor_of_facility(user, revision.document.facility_id)


def get_visible_cycle_or_404(user: Any, pk: Any, *, assigned_assessor: AssignedAssessor) -> Cycle:
    cycle = Cycle.objects.select_related("facility", "framework").filter(pk=pk).first()
    if cycle is None or not can_view_cycle(user, cycle, assigned_assessor=assigned_assessor):
        raise Http404
    return cycle


def get_visible_document_or_404(user: Any, facility: Facility, pk: Any) -> EvidenceDocument:
    document = EvidenceDocument.objects.filter(pk=pk, facility=facility).first()
    if document is None or not can_view_evidence(user, facility):
        raise Http404
    return document


def get_visible_revision_or_404(user: Any, pk: Any, *, assessor_of_facility: AssessorOfFacility) -> EvidenceRevision:
    revision = EvidenceRevision.objects.select_related("document__facility").filter(pk=pk).first()
    if revision is None or not can_download_revision(user, revision, assessor_of_facility=assessor_of_facility):
        raise Http404
    return revision


def cycles_visible_to(user: Any) -> Any:
    """The cycles a user may open as a member, the office or the committee, for lists (an
    assessor's cycles are listed by the assessment app)."""
    if not getattr(user, "is_authenticated", False):
        return Cycle.objects.none()
    if is_office(user):
        return Cycle.objects.all()
    mine = Cycle.objects.filter(facility__memberships__user=user)
    if is_committee_member(user):
        return Cycle.objects.filter(Q(status__in=COMMITTEE_CYCLE_STATES) | Q(pk__in=mine.values("pk")))
    return mine
