"""The programme's work queues: what waits on the office, on an assessor and on a committee member.

Each queue is read in a fixed number of queries, whatever the amount of work waiting (one
aggregate per line of the office's queue; the assessor's and the committee member's lists in a
few queries each). The site stands above every app, so it reads their models and selectors here;
the lists the counts link to are the owning apps' pages.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, Min, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from iasios.applications.models import Cycle, CycleStatus
from iasios.applications.selectors import Progress
from iasios.assessment import selectors as assessment_selectors
from iasios.assessment.models import (
    ACTIVE_ASSIGNMENT_STATES,
    Assignment,
    AssignmentStatus,
    EvidenceRequest,
    EvidenceRequestStatus,
)
from iasios.billing.models import Invoice, InvoiceStatus
from iasios.decisions import selectors as decision_selectors
from iasios.decisions.access import took_part
from iasios.decisions.models import Appeal, AppealStatus, Award, AwardStatus
from iasios.decisions.panels import appeals_short_of_a_panel
from iasios.facilities.models import Facility, FacilityStatus
from iasios.standards.models import Requirement

# Awards ending within this many days are shown to the office (DOMAIN §2.9: reminders at 1–12 months).
EXPIRY_HORIZON_DAYS = 90


@dataclass(frozen=True)
class QueueLine:
    """One line of a queue: how many things wait, since when, and the list that shows them."""

    key: str
    label: str | Promise
    count: int
    oldest: date | None
    url: str

    @property
    def waiting(self) -> bool:
        return self.count > 0


def _as_date(value: date | datetime | None) -> date | None:
    if isinstance(value, datetime):
        return timezone.localdate(value)
    return value


def _line(key: str, label: str | Promise, queryset: QuerySet[Any], oldest_field: str, url: str) -> QueueLine:
    row = queryset.aggregate(n=Count("pk"), oldest=Min(oldest_field))
    return QueueLine(key, label, row["n"], _as_date(row["oldest"]), url)


# ----------------------------------------------------------------------------- the office


def reviews_in() -> QuerySet[Cycle]:
    """Cycles in assessment whose every active assessor has submitted a review: the office
    reconciles the ratings and sends the recommendation to the committee."""
    return (
        Cycle.objects.filter(status=CycleStatus.IN_ASSESSMENT)
        .annotate(
            active=Count("assignments", filter=Q(assignments__status__in=ACTIVE_ASSIGNMENT_STATES), distinct=True),
            submitted=Count("assignments", filter=Q(assignments__status=AssignmentStatus.SUBMITTED), distinct=True),
        )
        .filter(submitted__gt=0, submitted=F("active"))
    )


def _proposed_line() -> QueueLine:
    """Assignments the assessor has not answered; the link opens the oldest one's application,
    where the office sees its assignments (and may withdraw one to propose someone else)."""
    proposed = Assignment.objects.filter(status=AssignmentStatus.PROPOSED)
    line = _line(
        "assignments_proposed",
        _("Assignments not yet accepted by the assessor"),
        proposed,
        "created_at",
        reverse("office_assessment:cycles"),
    )
    oldest_cycle = proposed.order_by("created_at").values_list("cycle_id", flat=True).first()
    if oldest_cycle is None:
        return line
    return dataclasses.replace(line, url=reverse("office_assessment:cycle", args=[oldest_cycle]))


def _panel_line() -> QueueLine:
    short = appeals_short_of_a_panel()
    url = reverse("office_decisions:overview")
    if short:
        url = reverse("office_decisions:appeal_panel", args=[short[0].pk])
    oldest = min((appeal.lodged_on for appeal in short), default=None)
    label = _("Appeals needing a panel: fewer may hear them than the quorum")
    return QueueLine("appeals_panel", label, len(short), oldest, url)


def office_queue(today: date | None = None) -> list[QueueLine]:
    """Everything waiting on the programme office, each line with its count and oldest date;
    lines with work waiting first, the longest waiting first."""
    today = today or timezone.localdate()
    open_invoices = Invoice.objects.filter(status=InvoiceStatus.ISSUED)
    decisions_url = reverse("office_decisions:overview")
    lines = [
        _line(
            "registrations",
            _("Registrations to confirm"),
            Facility.objects.filter(status=FacilityStatus.REGISTERED),
            "created_at",
            reverse("office_facilities:list") + f"?status={FacilityStatus.REGISTERED}",
        ),
        _line(
            "invoices_open",
            _("Invoices awaiting payment (record payments)"),
            open_invoices.filter(due_on__gte=today),
            "issued_on",
            reverse("office_billing:invoices") + f"?status={InvoiceStatus.ISSUED}",
        ),
        _line(
            "invoices_overdue",
            _("Invoices overdue"),
            open_invoices.filter(due_on__lt=today),
            "due_on",
            reverse("office_billing:overdue"),
        ),
        _line(
            "triage",
            _("Dossiers to triage"),
            Cycle.objects.filter(status=CycleStatus.SUBMITTED),
            "submitted_at",
            reverse("office_assessment:triage"),
        ),
        _proposed_line(),
        _line(
            "requests_overdue",
            _("Evidence requests overdue"),
            EvidenceRequest.objects.filter(status=EvidenceRequestStatus.OPEN, due_on__lt=today),
            "due_on",
            reverse("office_assessment:cycles") + "#overdue-requests",
        ),
        _line(
            "reviews_in",
            _("Reviews in: reconcile and send to the committee"),
            reviews_in(),
            "submitted_at",
            reverse("office_assessment:cycles"),
        ),
        _line(
            "appeals",
            _("Appeals lodged, awaiting a hearing"),
            Appeal.objects.filter(status=AppealStatus.LODGED),
            "lodged_on",
            decisions_url,
        ),
        _panel_line(),
        _line(
            "awards_expiring",
            _("Awards ending within 90 days"),
            Award.objects.filter(
                status=AwardStatus.VALID,
                valid_until__gte=today,
                valid_until__lte=today + timedelta(days=EXPIRY_HORIZON_DAYS),
            ),
            "valid_until",
            decisions_url,
        ),
    ]
    return sorted(lines, key=lambda line: (not line.waiting, line.oldest or date.max))


# ----------------------------------------------------------------------------- assessors


@dataclass(frozen=True)
class AssessorRow:
    assignment: Assignment
    rated: int
    total: int
    open_requests: int
    due_on: date | None
    paused: bool

    @property
    def active(self) -> bool:
        return self.assignment.status in (AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED)

    @property
    def progress(self) -> Progress:
        return Progress(done=min(self.rated, self.total), total=self.total)


def assessor_queue(user: Any) -> list[AssessorRow]:
    """The assessor's assignments, active ones first, then by the date the result is due (the
    decision clock's latest target: from the last evidence, paused while a request is open)."""
    requirement_count = (
        Requirement.objects.filter(framework_id=OuterRef("cycle__framework_id"))
        .values("framework_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    assignments = list(
        Assignment.objects.filter(assessor=user)
        .exclude(status=AssignmentStatus.WITHDRAWN)
        .select_related("cycle__facility", "cycle__framework")
        .annotate(
            rated=Count("ratings", distinct=True),
            total=Subquery(requirement_count),
            open_requests=Count(
                "evidence_requests", filter=Q(evidence_requests__status=EvidenceRequestStatus.OPEN), distinct=True
            ),
        )
    )
    cycle_ids = {a.cycle_id for a in assignments}
    clocks = {
        clock.cycle.pk: clock for clock in assessment_selectors.decision_clocks(Cycle.objects.filter(pk__in=cycle_ids))
    }
    rows = []
    for a in assignments:
        clock = clocks.get(a.cycle_id)
        due = None
        if clock is not None and clock.running_since is not None:
            due = timezone.localdate(clock.running_since) + timedelta(weeks=clock.target_max_weeks)
        rows.append(
            AssessorRow(
                assignment=a,
                rated=a.rated,  # type: ignore[attr-defined]
                total=a.total or 0,  # type: ignore[attr-defined]
                open_requests=a.open_requests,  # type: ignore[attr-defined]
                due_on=due,
                paused=bool(clock and clock.paused),
            )
        )
    return sorted(rows, key=lambda r: (not r.active, r.due_on or date.max, r.assignment.created_at))


# ----------------------------------------------------------------------------- committee members


@dataclass(frozen=True)
class CommitteeWork:
    votes: list[Any]  # decisions.selectors.QueueRow awaiting this member's vote
    appeals: list[Appeal]  # lodged appeals this member may hear


def committee_work(user: Any) -> CommitteeWork:
    """Cycles with the committee awaiting this member's vote, and the appeals they may hear."""
    votes = [
        row
        for row in decision_selectors.committee_queue(user)
        if row.my_vote is None and not row.excluded and (row.decision is None or user.pk not in _excluded(row))
    ]
    appeals = [a for a in decision_selectors.appeals_lodged() if not took_part(user, a.decision)]
    return CommitteeWork(votes, appeals)


def _excluded(row: Any) -> set[Any]:
    return {member.pk for member in row.decision.excluded_members.all()}
