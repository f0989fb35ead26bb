"""The readiness report: what still stops a draft cycle's submission, as a PDF.

It reads the pre-flight's own selectors (`cycle_blockers`, `cycle_overview`): the report says
exactly what the pre-flight page says, at the moment it is downloaded.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from iasios.applications.models import Cycle
from iasios.applications.selectors import Blocker, CycleOverview, cycle_overview
from iasios.billing.issuer import current_issuer
from iasios.core.pdf import html_to_pdf
from iasios.cycles.selectors import cycle_blockers


@dataclass(frozen=True)
class ReadinessReport:
    cycle: Cycle
    blockers: list[Blocker]
    overview: CycleOverview
    generated_at: datetime.datetime

    @property
    def ready(self) -> bool:
        return not self.blockers


def readiness_report(cycle: Cycle, *, now: datetime.datetime | None = None) -> ReadinessReport:
    return ReadinessReport(cycle, cycle_blockers(cycle), cycle_overview(cycle), now or timezone.now())


def readiness_report_html(report: ReadinessReport) -> str:
    return render_to_string("applications/readiness_pdf.html", {"report": report, "issuer": current_issuer()})


def readiness_report_pdf(report: ReadinessReport) -> bytes:
    return html_to_pdf(readiness_report_html(report))
