"""A facility's own benchmark: its figures against the anonymised spread of its peers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F
from django.utils.translation import gettext as _

from iasios.applications.models import Cycle, CycleStatus
from iasios.assessment.models import ConsolidatedRating, Rating
from iasios.facilities.models import Facility
from iasios.reports.charts import Bar
from iasios.reports.selectors.peers import (
    RatingCell,
    benchmark_cycles,
    compliance_by_facility,
    item_percents,
    min_peers,
    rating_cells,
)
from iasios.reports.stats import Spread, percent, spread
from iasios.standards.models import ChecklistItem, Standard
from iasios.standards.selectors import current_framework


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
            OwnStandardRow(
                standard.number, standard.text_in("title"), met, applicable, _peer_spread(values, facility.pk, least)
            )
        )

    icr = compliance_by_facility(population)
    items = []
    for item in ChecklistItem.objects.filter(framework=framework).order_by("position"):
        yes, applicable = icr.get(facility.pk, {}).get(item.pk, (0, 0))
        values = item_percents(icr, item.pk)
        items.append(
            OwnItemRow(
                item.code,
                item.text_in("text"),
                item.target_percent,
                yes,
                applicable,
                _peer_spread(values, facility.pk, least),
            )
        )
    return FacilityBenchmark(
        facility=facility,
        cycle=cycle,
        min_peers=least,
        rating_peers=sum(1 for facility_id in ratings if facility_id != facility.pk),
        icr_peers=sum(1 for facility_id in icr if facility_id != facility.pk),
        own_ratings=rating_cells(own_totals),
        standards=standards,
        items=items,
    )
