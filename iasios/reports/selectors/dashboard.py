"""The office dashboard: every section of the page, computed as of one moment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from iasios.reports.selectors.awards import AwardSection, award_section
from iasios.reports.selectors.invoices import InvoiceSection, invoice_section
from iasios.reports.selectors.progress import ClockSection, Pipeline, clock_section, pipeline
from iasios.reports.selectors.work import OverdueSection, Workload, overdue_section, workload


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
