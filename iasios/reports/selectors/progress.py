"""The cycles' progress: how many are in each state and for how long, and the decision clocks."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django.db.models import Case, DateTimeField, F, Max, Value, When
from django.template.loader import get_template
from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from iasios.applications.models import Cycle, CycleStatus
from iasios.assessment.selectors import ClockReading, clock_readings
from iasios.core.models import Event
from iasios.core.rows import row_url
from iasios.reports.charts import Bar, Marker
from iasios.reports.stats import days_between, median
from iasios.standards.selectors import current_framework

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
    # Only the timestamp of the cycle's own state is read (one date per cycle, not three to convert).
    stamp = Case(
        *(When(status=state, then=F(name)) for state, name in STATE_TIMESTAMPS.items()),
        default=Value(None),
        output_field=DateTimeField(),
    )
    cycles = list(Cycle.objects.order_by().annotate(stamp=stamp).values_list("pk", "status", "stamp"))
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
    for pk, state, own_stamp in cycles:
        counts[state] += 1
        since = entered.get((str(pk), state))
        if since is None and own_stamp is not None:
            since = own_stamp
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
    clock: ClockReading
    facility: str
    state_label: str
    url: str
    # Writes the clock in words (assessment/_clock.html): only for the rows shown (`badge`).
    words: Callable[[ClockReading], SafeString] = field(repr=False, compare=False)

    @cached_property
    def badge(self) -> SafeString:
        return self.words(self.clock)

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


# The dashboard draws and lists the longest clocks only; every clock is on the office's list of
# applications in assessment (assessment's office cycles page), and the counts cover them all.
CLOCK_ROWS_SHOWN = 20


@dataclass(frozen=True)
class ClockSection:
    rows: list[ClockRow]  # every clock, running ones first, longest first
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
    def shown(self) -> list[ClockRow]:
        """The clocks drawn and listed on the dashboard: the longest ones."""
        return self.rows[:CLOCK_ROWS_SHOWN]

    @property
    def hidden(self) -> int:
        return max(0, len(self.rows) - CLOCK_ROWS_SHOWN)

    @property
    def bars(self) -> list[Bar]:
        return [
            Bar(
                r.facility,
                r.clock.weeks or 0,
                text=_("paused") if r.clock.paused else ("—" if r.clock.weeks is None else weeks_short(r.clock.weeks)),
                tone=r.tone,
            )
            for r in self.shown
        ]

    @property
    def markers(self) -> list[Marker]:
        if not self.uniform_target or self.target_min_weeks is None or self.target_max_weeks is None:
            return []
        return [
            Marker(self.target_min_weeks, weeks_short(self.target_min_weeks)),
            Marker(self.target_max_weeks, weeks_short(self.target_max_weeks)),
        ]


def weeks_short(weeks: float) -> str:
    """A number of weeks as the chart prints it, by locale: “3.5 wk”, “3,5 Wo.”."""
    return _("%(weeks)s wk") % {"weeks": number_format(f"{weeks:g}")}


def _clock_badges() -> Callable[[ClockReading], SafeString]:
    """The clock in words, as the assessment pages print it, rendered once per distinct reading:
    the words depend only on the open requests, the days and the target, which a long table repeats."""
    template = get_template("assessment/_clock.html")
    rendered: dict[tuple[Any, ...], SafeString] = {}  # the template escapes: its output is safe

    def badge(clock: ClockReading) -> SafeString:
        key = (clock.open_requests, clock.days, clock.target_min_weeks, clock.target_max_weeks)
        if key not in rendered:
            rendered[key] = SafeString(template.render({"clock": clock}))
        return rendered[key]

    return badge


def clock_section(*, now: datetime.datetime) -> ClockSection:
    """The assessment app's decision clocks (one source of the clock rule), longest first."""
    # Only what the rows show, as values: the cycles are read by the hundred, and building a model
    # instance per cycle (and its facility) cost more than the clock itself.
    clocks = clock_readings(fields=("status", "facility__name"), now=now)
    cycle_url = row_url("office_assessment:cycle")
    state_labels = {state.value: str(state.label) for state in CycleStatus}
    badge = _clock_badges()
    rows = [
        ClockRow(
            clock=c,
            facility=cycle["facility__name"],
            state_label=state_labels[cycle["status"]],
            url=cycle_url(c.cycle_id),
            words=badge,
        )
        for c, cycle in clocks
    ]
    rows.sort(key=lambda r: (r.clock.paused, r.clock.days is None, -(r.clock.days or 0), r.facility.casefold()))
    targets = {(c.target_min_weeks, c.target_max_weeks) for c, _cycle in clocks}
    if not targets:
        framework = current_framework()
        if framework is not None:
            targets = {(framework.settings.decision_target_weeks_min, framework.settings.decision_target_weeks_max)}
    low, high = next(iter(targets)) if len(targets) == 1 else (None, None)
    return ClockSection(rows=rows, target_min_weeks=low, target_max_weeks=high, uniform_target=len(targets) <= 1)
