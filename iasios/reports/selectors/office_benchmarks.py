"""The office's benchmark page: ratings per requirement and case review compliance across centres."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import get_language

from iasios.applications.models import Cycle, CycleStatus
from iasios.assessment.models import ConsolidatedRating, Rating
from iasios.reports.charts import Bar
from iasios.reports.selectors.peers import (
    RATING_ORDER,
    RatingCell,
    benchmark_cycles,
    compliance_by_facility,
    item_percents,
    min_peers,
    rating_cells,
)
from iasios.reports.stats import median
from iasios.standards.models import ChecklistItem, FrameworkStatus, FrameworkVersion, Requirement, Standard
from iasios.standards.selectors import current_framework


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
            RequirementRow(r.reference, r.text_in("text"), r.core, rating_cells(counts.get(r.pk, {})))
            for r in by_standard[standard.pk]
        ]
        pooled: dict[str, int] = defaultdict(int)
        for r in by_standard[standard.pk]:
            for rating, n in counts.get(r.pk, {}).items():
                pooled[rating] += n
        blocks.append(StandardBlock(standard.number, standard.text_in("title"), rating_cells(pooled), rows))
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


def compliance_benchmark(framework: FrameworkVersion) -> ComplianceBenchmark:
    """Per checklist item: the median, lowest and highest compliance across centres. Two queries.

    A centre's compliance with an item is yes ÷ (yes + no) over its complete case reviews; an
    item that applied to none of its cases (all N/A) leaves that centre out of the item's row.
    """
    data = compliance_by_facility(benchmark_cycles().filter(framework=framework))
    rows = []
    for item in ChecklistItem.objects.filter(framework=framework).order_by("position"):
        values = list(item_percents(data, item.pk).values())
        rows.append(
            ComplianceRow(
                code=item.code,
                text=item.text_in("text"),
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
        current = next((o.framework for o in options if o.framework.status == FrameworkStatus.CURRENT), None)
        chosen = current or max(options, key=lambda o: o.centres).framework
    if chosen is None:
        return Benchmarks(options, None, None, None, min_peers(current_framework()))
    return Benchmarks(options, chosen, rating_heatmap(chosen), compliance_benchmark(chosen), min_peers(chosen))


# The kept reports are keyed on their version; this only bounds their stay.
BENCHMARKS_CACHE_SECONDS = 24 * 3600


def benchmarks_version() -> str:
    """What the benchmarks are drawn from, as it stands, in two small queries.

    Benchmarks read decided cycles only, and a decided cycle's ratings and case reviews change no
    more (see benchmark_cycles). So the decided cycles' count and last change identify the set:
    a cycle decided (or decided again) is saved with its state and is the latest change; one
    reopened leaves it, and the count falls. Cycles not decided (new applications, those being
    rated or sent on) are not part of it, and their changes keep the copy. The framework
    versions' count and last change too (their names and status are shown, and choose the default).
    """
    parts = []
    for rows in (Cycle.objects.filter(status=CycleStatus.DECIDED), FrameworkVersion.objects.all()):
        row = rows.order_by().aggregate(n=Count("pk"), last=Max("updated_at"))
        parts.append(f"{row['n']}@{row['last'].isoformat() if row['last'] else '-'}")
    return "/".join(parts)


def benchmarks_kept(framework_id: Any = None) -> Benchmarks:
    """benchmarks(), computed once per version of what they are drawn from (and language, for the
    labels) and then read from the cache: the aggregates over every decided cycle are the cost."""
    key = f"office-benchmarks:{benchmarks_version()}:{get_language()}:{framework_id or ''}"
    report = cache.get(key)
    if report is None:
        report = benchmarks(framework_id=framework_id)
        cache.set(key, report, BENCHMARKS_CACHE_SECONDS)
    return report
