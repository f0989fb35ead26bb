"""What the benchmarks share: the peer population, the peer threshold and the rating cells.

Benchmarks are drawn from each facility's latest decided cycle, one framework version at a time."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from iasios.applications.models import Cycle, CycleStatus
from iasios.assessment.models import Rating
from iasios.casereview.models import CaseReviewAnswer, ReviewAnswer
from iasios.reports.stats import percent
from iasios.standards.models import FrameworkVersion

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


def rating_cells(counts: dict[str, int]) -> list[RatingCell]:
    total = sum(counts.get(r, 0) for r in RATING_ORDER)
    return [RatingCell(r, str(Rating(r).label), counts.get(r, 0), total) for r in RATING_ORDER]


def compliance_by_facility(cycles: QuerySet[Cycle]) -> dict[Any, dict[int, tuple[int, int]]]:
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


def item_percents(data: dict[Any, dict[int, tuple[int, int]]], item_id: int) -> dict[Any, float]:
    """facility id → compliance with the item, for the facilities where it applied to a case."""
    values = {}
    for facility_id, items in data.items():
        yes, applicable = items.get(item_id, (0, 0))
        share = percent(yes, applicable)
        if share is not None:
            values[facility_id] = share
    return values
