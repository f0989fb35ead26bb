"""Plain statistics for the reports (no Django): durations, medians, quartiles, shares."""

from __future__ import annotations

import datetime
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

SECONDS_PER_DAY = 86400


def days_between(start: datetime.datetime, end: datetime.datetime) -> float:
    """Whole and fractional days from `start` to `end`, never negative, to one decimal."""
    return round(max(0.0, (end - start).total_seconds() / SECONDS_PER_DAY), 1)


def median(values: Sequence[float]) -> float | None:
    return round(float(statistics.median(values)), 1) if values else None


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` in percent to one decimal; None when there is no whole to speak of."""
    return None if whole <= 0 else round(100 * part / whole, 1)


@dataclass(frozen=True)
class Spread:
    """Where a set of values lies: the median and the middle half (25th–75th percentile).

    The extremes are left out on purpose where it is shown to a facility: the lowest and highest
    value each belong to one identifiable-by-elimination peer; the quartiles are interpolated.
    """

    n: int
    median: float
    p25: float
    p75: float


def spread(values: Sequence[float]) -> Spread | None:
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        only = round(ordered[0], 1)
        return Spread(1, only, only, only)
    q1, _q2, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(len(ordered), median(ordered) or 0.0, round(q1, 1), round(q3, 1))
