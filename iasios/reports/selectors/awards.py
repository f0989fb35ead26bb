"""Awards: centres holding a valid award by country, awards granted by year."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import ExtractYear

from iasios.decisions.models import Award, AwardLevel, AwardStatus
from iasios.facilities.countries import country_name
from iasios.reports.charts import Bar, Column, Segment


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
