"""The facility's home as a work queue: where its application stands, what the team does next,
the open evidence requests, and the award with its seal, certificate and decision letter (what
there is to pay is billing's panel, beside this one).

The facility's page belongs to the facilities app, which stands below everything it would need
to say this; the site registers this section with facilities' dashboard-part hook
(`facilities.parts`), and the section's `next_step` replaces the facility-level one once the
facility is enrolled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from iasios.accounts.roles import FACILITY_MANAGER_ROLES, FacilityRoleName
from iasios.applications import selectors as application_selectors
from iasios.applications.access import can_start_cycle
from iasios.applications.models import EDITABLE_CYCLE_STATES, Cycle, CycleStatus
from iasios.assessment.models import EvidenceRequest, EvidenceRequestStatus
from iasios.billing.models import Invoice, InvoiceStatus
from iasios.cycles import selectors as cycle_selectors
from iasios.decisions import selectors as decision_selectors
from iasios.decisions.badges import with_seal
from iasios.decisions.models import Award, AwardStatus, Decision, DecisionStatus, Outcome
from iasios.facilities.access import facility_role, is_office
from iasios.facilities.models import Facility, FacilityStatus, Membership
from iasios.facilities.parts import DashboardPart
from iasios.facilities.status import NextStep

TEMPLATE = "site/includes/facility_work.html"


def _date(value: date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""


@dataclass
class Recertification:
    open: bool = False
    can_start: bool = False
    opens_on: date | None = None


@dataclass
class FacilityWork:
    facility: Facility
    cycle: Cycle | None = None
    cycle_step: application_selectors.NextStep | None = None
    overview: application_selectors.CycleOverview | None = None
    case_review: Any = None
    ready_to_submit: bool = False
    requests: list[EvidenceRequest] = field(default_factory=list)
    decision: Decision | None = None
    award: Award | None = None
    next_award: Award | None = None
    recertification: Recertification = field(default_factory=Recertification)
    can_start: bool = False

    @property
    def case_progress(self) -> application_selectors.Progress | None:
        """The case review's reviewed cases out of the sample, as the application's progress bars show it."""
        if self.case_review is None:
            return None
        return application_selectors.Progress(done=self.case_review.reviewed, total=self.case_review.required)

    @property
    def certificate(self) -> Any:
        return getattr(self.award, "certificate", None) if self.award else None


def open_requests(cycle: Cycle) -> list[EvidenceRequest]:
    """The cycle's open evidence requests, soonest due first."""
    return list(
        EvidenceRequest.objects.filter(cycle=cycle, status=EvidenceRequestStatus.OPEN)
        .select_related("requirement__standard")
        .order_by("due_on", "created_at")
    )


def latest_decision(facility: Facility) -> Decision | None:
    """The facility's latest decision taken (not voting, not set aside on appeal)."""
    return (
        Decision.objects.filter(cycle__facility=facility, status=DecisionStatus.DECIDED)
        .select_related("cycle")
        .order_by("-decided_on", "-round", "-created_at")
        .first()
    )


def _recertification(facility: Facility, viewer: Any, award: Award | None) -> Recertification:
    if award is None:
        return Recertification()
    window = cycle_selectors.recertification_window(facility, viewer)
    return Recertification(
        open=window.open, can_start=window.can_start, opens_on=decision_selectors.recertification_opens_on(award)
    )


def facility_work(viewer: Any, facility: Facility) -> FacilityWork:
    """Everything the facility's home shows about its application, requests, invoices and award."""
    work = FacilityWork(facility)
    cycle = application_selectors.open_cycle(facility) or application_selectors.last_decided_cycle(facility)
    if cycle is not None:
        work.cycle = cycle
        work.cycle_step = application_selectors.cycle_next_step(cycle)
        if cycle.status in EDITABLE_CYCLE_STATES:
            work.overview = application_selectors.cycle_overview(cycle)
            work.case_review = cycle_selectors.case_review_status(cycle)
            work.ready_to_submit = not cycle_selectors.cycle_blockers(cycle)
        if cycle.status == CycleStatus.IN_ASSESSMENT:
            work.requests = open_requests(cycle)
    work.decision = latest_decision(facility)
    work.award = decision_selectors.current_award(facility)
    work.next_award = decision_selectors.next_award(facility)
    work.recertification = _recertification(facility, viewer, work.award)
    work.can_start = can_start_cycle(viewer, facility) and application_selectors.open_cycle(facility) is None
    return work


# ----------------------------------------------------------------------------- the one next step


def _workspace(cycle: Cycle) -> str:
    return reverse("applications:workspace", args=[cycle.pk])


def _request_step(requests: list[EvidenceRequest]) -> NextStep:
    first = requests[0]
    title = ngettext(
        "Answer the assessors' evidence request by %(date)s",
        "Answer %(n)d evidence requests; the first is due on %(date)s",
        len(requests),
    ) % {"n": len(requests), "date": _date(first.due_on)}
    return NextStep(
        title,
        _("The decision clock is paused until the requested evidence is in."),
        "warn",
        url=reverse("assessment:request", args=[first.pk]),
        action=_("Answer the request"),
    )


def _award_step(work: FacilityWork) -> NextStep:
    award = work.award
    assert award is not None
    label = award.get_level_display()
    if award.status == AwardStatus.SUSPENDED:
        return NextStep(
            _("%(seal)s: suspended") % {"seal": label},
            award.status_reason or _("The programme office suspended the award; the reason is in the timeline."),
            "bad",
        )
    recert = work.recertification
    if recert.open and work.next_award is None:
        return NextStep(
            _("Re-certification is open: your award ends on %(date)s") % {"date": _date(award.valid_until)},
            _("Start the re-certification: your last answers and evidence are carried over to confirm or change."),
            "warn",
            url=reverse("applications:recertify", args=[work.facility.pk]),
            action=_("Start re-certification") if recert.can_start else "",
        )
    detail = _("Valid until %(date)s.") % {"date": _date(award.valid_until)}
    if work.next_award is not None:
        detail = _("Valid until %(date)s; the next award (%(seal)s) starts on %(start)s.") % {
            "date": _date(award.valid_until),
            "seal": work.next_award.get_level_display(),
            "start": _date(work.next_award.valid_from),
        }
    elif recert.opens_on and not recert.open:
        detail = _("Valid until %(date)s. Re-certification opens on %(opens)s.") % {
            "date": _date(award.valid_until),
            "opens": _date(recert.opens_on),
        }
    return NextStep(label, detail, "ok")


def _cycle_step(work: FacilityWork) -> NextStep:
    cycle, step = work.cycle, work.cycle_step
    assert cycle is not None and step is not None
    if cycle.status == CycleStatus.IN_ASSESSMENT and work.requests:
        return _request_step(work.requests)
    tone = {"error": "bad"}.get(step.tone, step.tone)
    # Returned and amending cycles keep their own words (the office's reasons, the areas to amend).
    if work.ready_to_submit and cycle.status == CycleStatus.DRAFT:
        return NextStep(
            _("Ready to submit: the authorised representative signs and submits"),
            _("Every core requirement is answered and the case review is complete."),
            "ok",
            url=reverse("applications:submit", args=[cycle.pk]),
            action=_("Review and submit"),
        )
    action = ""
    if cycle.status in EDITABLE_CYCLE_STATES:
        action = _("Open the application")
    return NextStep(step.headline, step.detail, tone, url=_workspace(cycle), action=action)


def _start_step(work: FacilityWork) -> NextStep:
    decision = work.decision
    if decision is not None and decision.outcome == Outcome.NOT_ACCREDITED:
        title = _("Not accredited on %(date)s: you may apply again") % {"date": _date(decision.decided_on)}
    elif work.award is None and decision is not None:
        title = _("No award in force: apply again")
    else:
        title = _("Start your application")
    return NextStep(
        title,
        _("Answer each requirement of the standards, run the internal case review, then submit."),
        "info",
        url=reverse("applications:index"),
        action=_("Start an application") if work.can_start else "",
    )


def work_next_step(work: FacilityWork) -> NextStep:
    """The one thing the team does (or waits for) next, once the facility is enrolled."""
    cycle = work.cycle
    if cycle is not None and cycle.is_open:
        return _cycle_step(work)
    if work.award is not None:
        return _award_step(work)
    return _start_step(work)


# ----------------------------------------------------------------------------- the dashboard part


def work_part(viewer: Any, facility: Facility) -> dict[str, Any] | None:
    """The section for the facility's members and the office; the next step once enrolled."""
    if facility_role(viewer, facility) is None and not is_office(viewer):
        return None
    work = facility_work(viewer, facility)
    context: dict[str, Any] = {"work": work, "today": timezone.localdate(), "has_decision": work.decision is not None}
    if facility.status == FacilityStatus.ENROLLED:
        context["next_step"] = work_next_step(work)
    return context


WORK_PART = DashboardPart(name="work", template=TEMPLATE, context=work_part, place="top")


# ----------------------------------------------------------------------------- the user's facility cards


@dataclass(frozen=True)
class FacilityCard:
    """A facility on its member's dashboard: seal, role, the application's state and what waits."""

    facility: Facility
    role: str
    cycle_status: str
    open_requests: int
    to_pay: int

    @property
    def role_label(self) -> str:
        return str(FacilityRoleName(self.role).label)

    @property
    def cycle_status_label(self) -> str:
        return str(CycleStatus(self.cycle_status).label) if self.cycle_status else ""


def _count(queryset: QuerySet[Any], outer: str) -> Any:
    """A correlated count of `queryset` rows per facility, 0 when none."""
    counted = queryset.filter(**{outer: OuterRef("pk")}).order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted[:1]), Value(0))


def facility_cards(user: Any) -> list[FacilityCard]:
    """The user's facilities with their seal in force, in two queries however many there are."""
    roles = dict(Membership.objects.filter(user=user).values_list("facility_id", "role"))
    open_cycle = Cycle.objects.open().filter(facility=OuterRef("pk")).order_by("-created_at")
    facilities = with_seal(Facility.objects.filter(pk__in=list(roles))).annotate(
        open_cycle_status=Subquery(open_cycle.values("status")[:1]),
        open_requests=_count(EvidenceRequest.objects.filter(status=EvidenceRequestStatus.OPEN), "cycle__facility"),
        to_pay=_count(Invoice.objects.filter(status=InvoiceStatus.ISSUED), "facility"),
    )
    return [
        FacilityCard(
            facility=f,
            role=roles[f.pk],
            cycle_status=f.open_cycle_status or "",  # type: ignore[attr-defined]
            open_requests=f.open_requests,  # type: ignore[attr-defined]
            to_pay=f.to_pay if roles[f.pk] in FACILITY_MANAGER_ROLES else 0,  # type: ignore[attr-defined]
        )
        for f in facilities.order_by("name")
    ]
