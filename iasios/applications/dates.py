"""Calendar arithmetic for deadlines counted in months (programme settings are in months)."""

from __future__ import annotations

import calendar
import datetime
from typing import TypeVar

D = TypeVar("D", datetime.date, datetime.datetime)


def add_months(moment: D, months: int) -> D:
    """The same day `months` later (or earlier); the last day of the month when that day does not exist."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
