"""The reports' one source of numbers: each section of a page is one dataclass built here.

Templates, charts and any export render these objects and compute nothing themselves: a chart
and the table beside it read the same rows, so they cannot disagree. Every builder costs a fixed
number of queries, whatever the amount of data; times are passed in (`now`, `today`) so a
report can be computed "as of" any moment.

Office dashboard: `office_dashboard(now=…)`. Benchmarks: `benchmarks(framework_id=…)` for the
office, `facility_benchmark(facility)` for a facility's own page (peers anonymised, shown only
from `min_peers(framework)` peers on).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from iasios.accounts.models import User
from iasios.accounts.roles import ProgrammeRoleName
from iasios.applications.models import Cycle, CycleStatus
from iasios.assessment.models import AssignmentStatus, ConsolidatedRating, EvidenceRequest, Rating
from iasios.assessment.selectors import DecisionClock, decision_clocks, overdue_requests
from iasios.billing.models import Invoice
from iasios.casereview.models import CaseReviewAnswer, ReviewAnswer
from iasios.core.models import Event
from iasios.decisions.models import ActionStatus, Award, AwardLevel, AwardStatus, CorrectiveAction
from iasios.facilities.countries import country_name
from iasios.facilities.models import Facility
from iasios.reports.charts import Bar, Column, Marker, Segment
from iasios.reports.stats import Spread, days_between, median, percent, spread
from iasios.standards.models import ChecklistItem, FrameworkVersion, Requirement, Standard
from iasios.standards.selectors import current_framework

ZERO = Decimal("0.00")

# ============================================================================= the pipeline

# Where the event log holds no transition into the cycle's current state (data imported or
# created before the log existed), the cycle's own timestamp for entering that state stands in.
# The other states have no such timestamp: their time is then counted as unknown, never guessed.
STATE_TIMESTAMPS: dict[str, str] = {
    CycleStatus.DRAFT: "created_at",
    CycleStatus.SUBMITTED: "submitted_at",
    CycleStatus.DECIDED: "decided_at",
}


@dataclass(frozen=True)
class StateRow:
    state: str
    label: str
    count: int
    median_days: float | None
    max_days: float | None
    # Cycles whose time in the state came from the cycle's timestamp, not the event log.
    from_timestamp: int = 0
    # Cycles whose time in the state is not known (no event, no timestamp): not in the figures.
    unknown: int = 0


@dataclass(frozen=True)
class Pipeline:
    rows: list[StateRow]
    now: datetime.datetime

    @property
    def total(self) -> int:
        return sum(r.count for r in self.rows)

    @property
    def count_bars(self) -> list[Bar]:
        return [Bar(r.label, r.count) for r in self.rows]


def pipeline(*, now: datetime.datetime) -> Pipeline:
    """Cycles per state, and how long they have been in it (median and longest), in two queries.

    The time in a state counts from the last transition into it in the event log (a cycle can
    come back to a state: returned and resubmitted, reconsidered after an appeal).
    """
    names = ["pk", "status", *sorted(set(STATE_TIMESTAMPS.values()))]
    cycles = list(Cycle.objects.order_by().values_list(*names))
    entered: dict[tuple[str, str], datetime.datetime] = {}
    events = (
        Event.objects.filter(content_type__app_label="applications", content_type__model="cycle")
        .exclude(to_state="")
        .order_by()
        .values("object_id", "to_state")
        .annotate(last=Max("created_at"))
    )
    for row in events:
        entered[(row["object_id"], row["to_state"])] = row["last"]
    durations: dict[str, list[float]] = defaultdict(list)
    from_timestamp: dict[str, int] = defaultdict(int)
    unknown: dict[str, int] = defaultdict(int)
    counts: dict[str, int] = defaultdict(int)
    for values in cycles:
        cycle = dict(zip(names, values, strict=True))
        state = cycle["status"]
        counts[state] += 1
        since = entered.get((str(cycle["pk"]), state))
        if since is None and state in STATE_TIMESTAMPS:
            since = cycle[STATE_TIMESTAMPS[state]]
            if since is not None:
                from_timestamp[state] += 1
        if since is None:
            unknown[state] += 1
            continue
        durations[state].append(days_between(since, now))
    rows = [
        StateRow(
            state=state.value,
            label=str(state.label),
            count=counts[state],
            median_days=median(durations[state]),
            max_days=max(durations[state]) if durations[state] else None,
            from_timestamp=from_timestamp[state],
            unknown=unknown[state],
        )
        for state in CycleStatus
    ]
    return Pipeline(rows=rows, now=now)


# ============================================================================= the decision clock


CLOCK_BANDS = {
    "green": "ok",
    "amber": "warn",
    "red": "bad",
    "paused": "muted",
}


@dataclass(frozen=True)
class ClockRow:
    clock: DecisionClock
    facility: str
    state_label: str
    url: str

    @property
    def band(self) -> str:
        if self.clock.paused:
            return _("paused: evidence requested")
        if self.clock.days is None:
            return _("not started: no evidence in yet")
        if self.clock.colour == "green":
            return _("before the target")
        if self.clock.colour == "amber":
            return _("within the target")
        return _("past the target")

    @property
    def tone(self) -> str:
        return CLOCK_BANDS.get(self.clock.colour, "muted")


@dataclass(frozen=True)
class ClockSection:
    rows: list[ClockRow]
    target_min_weeks: int | None
    target_max_weeks: int | None
    # False when the applications run under framework versions with different targets: then
    # no common target line is drawn, and each row's own target is in the table.
    uniform_target: bool

    def _count(self, colour: str) -> int:
        return sum(1 for r in self.rows if not r.clock.paused and r.clock.days is not None and r.clock.colour == colour)

    @property
    def before_target(self) -> int:
        return self._count("green")

    @property
    def within_target(self) -> int:
        return self._count("amber")

    @property
    def past_target(self) -> int:
        return self._count("red")

    @property
    def paused(self) -> int:
        return sum(1 for r in self.rows if r.clock.paused)

    @property
    def not_started(self) -> int:
        return sum(1 for r in self.rows if not r.clock.paused and r.clock.days is None)

    @property
    def bars(self) -> list[Bar]:
        return [
            Bar(
                r.facility,
                r.clock.weeks or 0,
                text=_("paused") if r.clock.paused else ("—" if r.clock.weeks is None else f"{r.clock.weeks:g} wk"),
                tone=r.tone,
            )
            for r in self.rows
        ]

    @property
    def markers(self) -> list[Marker]:
        if not self.uniform_target or self.target_min_weeks is None or self.target_max_weeks is None:
            return []
        return [
            Marker(self.target_min_weeks, f"{self.target_min_weeks} wk"),
            Marker(self.target_max_weeks, f"{self.target_max_weeks} wk"),
        ]


def clock_section(*, now: datetime.datetime) -> ClockSection:
    """The assessment app's decision clocks (one source of the clock rule), longest first."""
    clocks = decision_clocks(now=now)
    rows = [
        ClockRow(
            clock=c,
            facility=c.cycle.facility.name,
            state_label=str(c.cycle.get_status_display()),
            url=reverse("office_assessment:cycle", kwargs={"cycle_id": c.cycle.pk}),
        )
        for c in clocks
    ]
    rows.sort(key=lambda r: (r.clock.paused, r.clock.days is None, -(r.clock.days or 0), r.facility.casefold()))
    targets = {(c.target_min_weeks, c.target_max_weeks) for c in clocks}
    if not targets:
        framework = current_framework()
        if framework is not None:
            targets = {(framework.settings.decision_target_weeks_min, framework.settings.decision_target_weeks_max)}
    low, high = next(iter(targets)) if len(targets) == 1 else (None, None)
    return ClockSection(rows=rows, target_min_weeks=low, target_max_weeks=high, uniform_target=len(targets) <= 1)


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


# ============================================================================= invoices


@dataclass(frozen=True)
class CurrencyRow:
    currency: str
    outstanding: int
    outstanding_balance: Decimal
    overdue: int
    overdue_balance: Decimal


@dataclass(frozen=True)
class InvoiceSection:
    """Issued invoices not (fully) paid, per currency: amounts in different currencies are never added."""

    rows: list[CurrencyRow]
    today: datetime.date

    @property
    def bars(self) -> list[Bar]:
        bars = []
        for r in self.rows:
            bars.append(Bar(_("%(cur)s · not yet due") % {"cur": r.currency}, r.outstanding - r.overdue))
            bars.append(Bar(_("%(cur)s · overdue") % {"cur": r.currency}, r.overdue, tone="bad"))
        return bars


def invoice_section(*, today: datetime.date) -> InvoiceSection:
    """Counts and balances (total less payments) of issued invoices, one query.

    Cancelled invoices (credit notes) and paid ones owe nothing; an issued invoice with part
    payments owes the rest. Overdue: issued and past its due date (billing's rule).
    """
    late = Q(due_on__lt=today)
    rows = (
        Invoice.objects.open()
        .with_paid()
        .order_by()
        .values("currency")
        .annotate(
            n=Count("id"),
            total_sum=Sum("total"),
            paid_sum=Sum("paid_amount"),
            n_late=Count("id", filter=late),
            late_total=Sum("total", filter=late),
            late_paid=Sum("paid_amount", filter=late),
        )
        .order_by("currency")
    )
    return InvoiceSection(
        rows=[
            CurrencyRow(
                currency=r["currency"],
                outstanding=r["n"],
                outstanding_balance=_money(r["total_sum"]) - _money(r["paid_sum"]),
                overdue=r["n_late"],
                overdue_balance=_money(r["late_total"]) - _money(r["late_paid"]),
            )
            for r in rows
        ],
        today=today,
    )


def _money(value: Any) -> Decimal:
    return (Decimal(value) if value is not None else ZERO).quantize(Decimal("0.01"))


# ============================================================================= awards


@dataclass(frozen=True)
class CountryRow:
    country: str
    name: str
    accredited: int
    excellence: int

    @property
    def total(self) -> int:
        return self.accredited + self.excellence


@dataclass(frozen=True)
class YearRow:
    year: int
    accredited: int
    excellence: int

    @property
    def total(self) -> int:
        return self.accredited + self.excellence


@dataclass(frozen=True)
class AwardSection:
    """Centres holding a valid award now, by country; awards granted, by the year they start."""

    by_country: list[CountryRow]
    by_year: list[YearRow]
    suspended: int

    @property
    def accredited(self) -> int:
        return sum(r.accredited for r in self.by_country)

    @property
    def excellence(self) -> int:
        return sum(r.excellence for r in self.by_country)

    @property
    def country_bars(self) -> list[Bar]:
        return [Bar(r.name, r.total) for r in self.by_country]

    @property
    def year_columns(self) -> list[Column]:
        return [Column(str(r.year), [Segment(r.accredited, "ok"), Segment(r.excellence, "gold")]) for r in self.by_year]


def award_section() -> AwardSection:
    """Two queries. A facility holds at most one current award, so awards here are centres."""
    current: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    suspended = 0
    for row in (
        Award.objects.filter(status__in=[AwardStatus.VALID, AwardStatus.SUSPENDED])
        .order_by()
        .values("facility__country", "level", "status")
        .annotate(n=Count("id"))
    ):
        if row["status"] == AwardStatus.SUSPENDED:
            suspended += row["n"]
            continue
        current[row["facility__country"]][row["level"]] += row["n"]
    by_country = [
        CountryRow(
            code,
            country_name(code),
            levels[AwardLevel.ACCREDITED],
            levels[AwardLevel.CENTRE_OF_EXCELLENCE],
        )
        for code, levels in current.items()
    ]
    by_country.sort(key=lambda r: (-r.total, r.name.casefold()))
    years: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for year_row in (
        Award.objects.annotate(year=ExtractYear("valid_from"))
        .order_by()
        .values("year", "level")
        .annotate(n=Count("id"))
    ):
        years[year_row["year"]][year_row["level"]] += year_row["n"]
    by_year = [
        YearRow(year, levels[AwardLevel.ACCREDITED], levels[AwardLevel.CENTRE_OF_EXCELLENCE])
        for year, levels in sorted(years.items())
    ]
    return AwardSection(by_country=by_country, by_year=by_year, suspended=suspended)


# ============================================================================= the dashboard


@dataclass(frozen=True)
class OfficeDashboard:
    now: datetime.datetime
    today: datetime.date
    pipeline: Pipeline
    clocks: ClockSection
    overdue: OverdueSection
    workload: Workload
    invoices: InvoiceSection
    awards: AwardSection


def office_dashboard(*, now: datetime.datetime | None = None) -> OfficeDashboard:
    now = now or timezone.now()
    today = timezone.localdate(now)
    return OfficeDashboard(
        now=now,
        today=today,
        pipeline=pipeline(now=now),
        clocks=clock_section(now=now),
        overdue=overdue_section(today=today),
        workload=workload(),
        invoices=invoice_section(today=today),
        awards=award_section(),
    )


# ============================================================================= benchmarks

# The fewest peers a facility's benchmark may be drawn from (DOMAIN: "only when there are at
# least 5 peers"). The framework file's programme block has no such setting yet; when the
# programme settings gain `benchmark_min_peers`, it is read from there instead.
DEFAULT_MIN_PEERS = 5

RATING_ORDER: tuple[str, ...] = (Rating.MET, Rating.PARTLY_MET, Rating.NOT_MET, Rating.NOT_APPLICABLE)


def min_peers(framework: FrameworkVersion | None) -> int:
    settings = framework.settings if framework is not None else None
    return int(getattr(settings, "benchmark_min_peers", DEFAULT_MIN_PEERS))


def benchmark_cycles() -> QuerySet[Cycle]:
    """The cycles benchmarks are drawn from: each facility's latest decided cycle.

    One facility counts once (a re-certified centre is not weighed twice), with its most recent
    standing. Its consolidated ratings are final: a cycle reaches the committee only once every
    requirement has a current consolidated rating, and a decided cycle changes no more (an
    "areas to amend" round reopens it, and it leaves this set until it is decided again).
    """
    latest = (
        Cycle.objects.filter(facility=OuterRef("facility"), status=CycleStatus.DECIDED)
        .order_by(F("decided_at").desc(nulls_last=True), "-created_at")
        .values("pk")[:1]
    )
    return Cycle.objects.filter(status=CycleStatus.DECIDED, pk=Subquery(latest))


@dataclass(frozen=True)
class RatingCell:
    rating: str
    label: str
    count: int
    of: int

    @property
    def percent(self) -> float | None:
        return percent(self.count, self.of)

    @property
    def heat(self) -> int:
        """0–5: the share in fifths, for the cell's background (the text always says the numbers)."""
        if not self.of or not self.count:
            return 0
        return min(5, 1 + int(5 * self.count / self.of - 1e-9))


def _cells(counts: dict[str, int]) -> list[RatingCell]:
    total = sum(counts.get(r, 0) for r in RATING_ORDER)
    return [RatingCell(r, str(Rating(r).label), counts.get(r, 0), total) for r in RATING_ORDER]


@dataclass(frozen=True)
class RequirementRow:
    reference: str
    text: str
    core: bool
    cells: list[RatingCell]

    @property
    def rated(self) -> int:
        return self.cells[0].of if self.cells else 0


@dataclass(frozen=True)
class StandardBlock:
    number: int
    title: str
    summary: list[RatingCell]
    rows: list[RequirementRow]


@dataclass(frozen=True)
class RatingHeatmap:
    centres: int
    standards: list[StandardBlock]
    ratings: list[tuple[str, str]] = field(default_factory=lambda: [(r, str(Rating(r).label)) for r in RATING_ORDER])


def rating_heatmap(framework: FrameworkVersion) -> RatingHeatmap:
    """Consolidated ratings per requirement over the benchmark cycles of one framework version.

    Requirements belong to a version, so versions are never mixed. Three queries.
    """
    cycles = benchmark_cycles().filter(framework=framework)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    centres = cycles.count()
    for row in (
        ConsolidatedRating.objects.filter(cycle__in=cycles)
        .order_by()
        .values("requirement_id", "rating")
        .annotate(n=Count("id"))
    ):
        counts[row["requirement_id"]][row["rating"]] = row["n"]
    blocks: list[StandardBlock] = []
    by_standard: dict[int, list[Requirement]] = defaultdict(list)
    standards: dict[int, Standard] = {}
    for requirement in Requirement.objects.filter(framework=framework).select_related("standard").order_by("position"):
        by_standard[requirement.standard_id].append(requirement)
        standards[requirement.standard_id] = requirement.standard
    for standard in sorted(standards.values(), key=lambda s: s.number):
        rows = [
            RequirementRow(r.reference, r.text, r.core, _cells(counts.get(r.pk, {}))) for r in by_standard[standard.pk]
        ]
        pooled: dict[str, int] = defaultdict(int)
        for r in by_standard[standard.pk]:
            for rating, n in counts.get(r.pk, {}).items():
                pooled[rating] += n
        blocks.append(StandardBlock(standard.number, standard.title, _cells(pooled), rows))
    return RatingHeatmap(centres=centres, standards=blocks)


@dataclass(frozen=True)
class ComplianceRow:
    code: str
    text: str
    target_percent: int
    centres: int
    median: float | None
    minimum: float | None
    maximum: float | None
    under_target: int

    @property
    def bar(self) -> Bar:
        return Bar(
            self.text,
            self.median or 0,
            text="—" if self.median is None else f"{self.median:g}%",
            low=self.minimum,
            high=self.maximum,
        )


@dataclass(frozen=True)
class ComplianceBenchmark:
    centres: int
    rows: list[ComplianceRow]

    @property
    def bars(self) -> list[Bar]:
        return [r.bar for r in self.rows]


def _compliance_by_facility(cycles: QuerySet[Cycle]) -> dict[Any, dict[int, tuple[int, int]]]:
    """facility id → checklist item id → (yes, applicable) over the complete reviews of included cases."""
    path = "review__sampled_case__draw__log__cycle"
    result: dict[Any, dict[int, tuple[int, int]]] = defaultdict(dict)
    for row in (
        CaseReviewAnswer.objects.filter(
            **{f"{path}__in": cycles},
            review__complete=True,
            review__sampled_case__excluded_at__isnull=True,
        )
        .order_by()
        .values(f"{path}__facility_id", "item_id")
        .annotate(
            yes=Count("id", filter=Q(answer=ReviewAnswer.YES)),
            no=Count("id", filter=Q(answer=ReviewAnswer.NO)),
        )
    ):
        result[row[f"{path}__facility_id"]][row["item_id"]] = (row["yes"], row["yes"] + row["no"])
    return result


def _item_percents(data: dict[Any, dict[int, tuple[int, int]]], item_id: int) -> dict[Any, float]:
    """facility id → compliance with the item, for the facilities where it applied to a case."""
    values = {}
    for facility_id, items in data.items():
        yes, applicable = items.get(item_id, (0, 0))
        share = percent(yes, applicable)
        if share is not None:
            values[facility_id] = share
    return values


def compliance_benchmark(framework: FrameworkVersion) -> ComplianceBenchmark:
    """Per checklist item: the median, lowest and highest compliance across centres. Two queries.

    A centre's compliance with an item is yes ÷ (yes + no) over its complete case reviews; an
    item that applied to none of its cases (all N/A) leaves that centre out of the item's row.
    """
    data = _compliance_by_facility(benchmark_cycles().filter(framework=framework))
    rows = []
    for item in ChecklistItem.objects.filter(framework=framework).order_by("position"):
        values = list(_item_percents(data, item.pk).values())
        rows.append(
            ComplianceRow(
                code=item.code,
                text=item.text,
                target_percent=item.target_percent,
                centres=len(values),
                median=median(values),
                minimum=min(values) if values else None,
                maximum=max(values) if values else None,
                under_target=sum(1 for v in values if v < item.target_percent),
            )
        )
    return ComplianceBenchmark(centres=len(data), rows=rows)


@dataclass(frozen=True)
class FrameworkOption:
    framework: FrameworkVersion
    centres: int


@dataclass(frozen=True)
class Benchmarks:
    options: list[FrameworkOption]
    framework: FrameworkVersion | None
    heatmap: RatingHeatmap | None
    compliance: ComplianceBenchmark | None
    min_peers: int


def benchmark_frameworks() -> list[FrameworkOption]:
    """Framework versions that have benchmark cycles, with how many centres each. Two queries."""
    counts = {
        row["framework_id"]: row["n"]
        for row in benchmark_cycles().order_by().values("framework_id").annotate(n=Count("id"))
    }
    frameworks = FrameworkVersion.objects.filter(pk__in=list(counts)).order_by("-published_on", "code")
    return [FrameworkOption(f, counts[f.pk]) for f in frameworks]


def benchmarks(framework_id: Any = None) -> Benchmarks:
    """The office's benchmark page: one framework version at a time (default: the current one
    if it has decided cycles, else the version with the most)."""
    options = benchmark_frameworks()
    chosen = next((o.framework for o in options if str(o.framework.pk) == str(framework_id)), None)
    if chosen is None and options:
        current = next((o.framework for o in options if o.framework.status == "current"), None)
        chosen = current or max(options, key=lambda o: o.centres).framework
    if chosen is None:
        return Benchmarks(options, None, None, None, min_peers(current_framework()))
    return Benchmarks(options, chosen, rating_heatmap(chosen), compliance_benchmark(chosen), min_peers(chosen))


# ============================================================================= a facility's own benchmark


@dataclass(frozen=True)
class OwnStandardRow:
    """One standard: the facility's share of requirements met against the peers' spread.

    Share met = met ÷ (rated − not applicable), consolidated ratings of the latest decided cycle.
    """

    number: int
    title: str
    met: int
    applicable: int
    peers: Spread | None

    @property
    def share(self) -> float | None:
        return percent(self.met, self.applicable)


@dataclass(frozen=True)
class OwnItemRow:
    code: str
    text: str
    target_percent: int
    yes: int
    applicable: int
    peers: Spread | None

    @property
    def share(self) -> float | None:
        return percent(self.yes, self.applicable)


@dataclass(frozen=True)
class FacilityBenchmark:
    facility: Facility
    cycle: Cycle | None
    min_peers: int
    rating_peers: int
    icr_peers: int
    own_ratings: list[RatingCell]
    standards: list[OwnStandardRow]
    items: list[OwnItemRow]

    @property
    def show_ratings(self) -> bool:
        return self.cycle is not None and self.rating_peers >= self.min_peers

    @property
    def show_icr(self) -> bool:
        return self.cycle is not None and self.icr_peers >= self.min_peers

    @property
    def standard_bars(self) -> list[Bar]:
        """The facility's share met per standard; the line through it is the peers' middle half."""
        return [
            _own_bar(_("Standard %(n)s") % {"n": r.number}, r.share, r.peers if self.show_ratings else None)
            for r in self.standards
        ]

    @property
    def item_bars(self) -> list[Bar]:
        return [_own_bar(r.text, r.share, r.peers if self.show_icr else None) for r in self.items]


def _own_bar(label: str, share: float | None, peers: Spread | None) -> Bar:
    return Bar(
        label,
        share or 0,
        text=_pct(share),
        low=peers.p25 if peers else None,
        high=peers.p75 if peers else None,
    )


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:g}%"


def _peer_spread(values: dict[Any, float], own: Any, least: int) -> Spread | None:
    """The spread of the other facilities' values; None when fewer than `least` have one."""
    others = [v for facility_id, v in values.items() if facility_id != own]
    return spread(others) if len(others) >= least else None


def facility_benchmark(facility: Facility) -> FacilityBenchmark:
    """The facility's latest decided cycle against its peers: the other facilities whose latest
    decided cycle ran under the same framework version. Peers are only ever shown as a spread
    (median and middle half) and only from `min_peers` of them on; never a name, never one
    peer's row. Seven queries at most.
    """
    cycle = (
        Cycle.objects.filter(facility=facility, status=CycleStatus.DECIDED)
        .select_related("framework")
        .order_by(F("decided_at").desc(nulls_last=True), "-created_at")
        .first()
    )
    if cycle is None:
        least = min_peers(current_framework())
        return FacilityBenchmark(facility, None, least, 0, 0, [], [], [])
    framework = cycle.framework
    least = min_peers(framework)
    population = benchmark_cycles().filter(framework=framework)

    # facility id → standard id → rating → count
    ratings: dict[Any, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for row in (
        ConsolidatedRating.objects.filter(cycle__in=population)
        .order_by()
        .values("cycle__facility_id", "requirement__standard_id", "rating")
        .annotate(n=Count("id"))
    ):
        ratings[row["cycle__facility_id"]][row["requirement__standard_id"]][row["rating"]] = row["n"]
    own_totals: dict[str, int] = defaultdict(int)
    for per_rating in ratings.get(facility.pk, {}).values():
        for rating, n in per_rating.items():
            own_totals[rating] += n

    def met_share(per_rating: dict[str, int]) -> tuple[int, int]:
        applicable = sum(n for r, n in per_rating.items() if r != Rating.NOT_APPLICABLE)
        return per_rating.get(Rating.MET, 0), applicable

    standards = []
    for standard in Standard.objects.filter(framework=framework).order_by("number"):
        met, applicable = met_share(ratings.get(facility.pk, {}).get(standard.pk, {}))
        values = {}
        for facility_id, per_standard in ratings.items():
            m, a = met_share(per_standard.get(standard.pk, {}))
            share = percent(m, a)
            if share is not None:
                values[facility_id] = share
        standards.append(
            OwnStandardRow(standard.number, standard.title, met, applicable, _peer_spread(values, facility.pk, least))
        )

    icr = _compliance_by_facility(population)
    items = []
    for item in ChecklistItem.objects.filter(framework=framework).order_by("position"):
        yes, applicable = icr.get(facility.pk, {}).get(item.pk, (0, 0))
        values = _item_percents(icr, item.pk)
        items.append(
            OwnItemRow(
                item.code, item.text, item.target_percent, yes, applicable, _peer_spread(values, facility.pk, least)
            )
        )
    return FacilityBenchmark(
        facility=facility,
        cycle=cycle,
        min_peers=least,
        rating_peers=sum(1 for facility_id in ratings if facility_id != facility.pk),
        icr_peers=sum(1 for facility_id in icr if facility_id != facility.pk),
        own_ratings=_cells(own_totals),
        standards=standards,
        items=items,
    )
