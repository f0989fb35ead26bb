"""Work past its date (evidence requests, corrective actions) and the assessors' workload."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from iasios.accounts.models import User
from iasios.accounts.roles import ProgrammeRoleName
from iasios.assessment.models import AssignmentStatus, EvidenceRequest
from iasios.assessment.selectors import overdue_requests
from iasios.decisions.models import ActionStatus, CorrectiveAction
from iasios.reports.charts import Bar

# ============================================================================= overdue work


@dataclass(frozen=True)
class OverdueRequest:
    request: EvidenceRequest
    facility: str
    requirement: str
    assessor: str
    days_overdue: int
    url: str


@dataclass(frozen=True)
class OverdueAction:
    action: CorrectiveAction
    facility: str
    days_overdue: int
    url: str


@dataclass(frozen=True)
class OverdueSection:
    requests: list[OverdueRequest]
    actions: list[OverdueAction]
    today: datetime.date


def overdue_section(*, today: datetime.date) -> OverdueSection:
    requests = [
        OverdueRequest(
            request=r,
            facility=r.cycle.facility.name,
            requirement=r.requirement.reference,
            assessor=str(r.assignment.assessor),
            days_overdue=(today - r.due_on).days,
            url=reverse("office_assessment:cycle", kwargs={"cycle_id": r.cycle_id}),
        )
        for r in overdue_requests(today=today)
    ]
    actions = [
        OverdueAction(
            action=a,
            facility=a.decision.cycle.facility.name,
            days_overdue=(today - a.due_on).days,
            url=reverse("decisions:detail", kwargs={"decision_id": a.decision_id}),
        )
        for a in CorrectiveAction.objects.filter(status=ActionStatus.OPEN, due_on__lt=today)
        .select_related("decision__cycle__facility")
        .order_by("due_on", "created_at")
    ]
    return OverdueSection(requests=requests, actions=actions, today=today)


# ============================================================================= assessor workload


@dataclass(frozen=True)
class WorkloadRow:
    assessor: str
    proposed: int
    accepted: int
    submitted: int

    @property
    def active(self) -> int:
        """Assignments still to be worked on: proposed (awaiting an answer) and accepted."""
        return self.proposed + self.accepted


@dataclass(frozen=True)
class Workload:
    rows: list[WorkloadRow]

    @property
    def bars(self) -> list[Bar]:
        return [Bar(r.assessor, r.active) for r in self.rows]

    @property
    def active(self) -> int:
        return sum(r.active for r in self.rows)

    @property
    def submitted(self) -> int:
        return sum(r.submitted for r in self.rows)


def workload() -> Workload:
    """Everyone holding the assessor role, with assignments per status, in one query."""

    def count(status: str) -> Count:
        return Count("assignments", filter=Q(assignments__status=status))

    assessors = (
        User.objects.filter(programme_role_set__role=ProgrammeRoleName.ASSESSOR)
        .annotate(
            n_proposed=count(AssignmentStatus.PROPOSED),
            n_accepted=count(AssignmentStatus.ACCEPTED),
            n_submitted=count(AssignmentStatus.SUBMITTED),
        )
        .order_by("name", "email")
    )
    rows = [
        WorkloadRow(str(u), u.n_proposed, u.n_accepted, u.n_submitted)  # type: ignore[attr-defined]
        for u in assessors
    ]
    rows.sort(key=lambda r: (-r.active, r.assessor.casefold()))
    return Workload(rows=rows)
