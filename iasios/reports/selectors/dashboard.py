"""The office dashboard: every section of the page, computed as of one moment."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from django.db import connection
from django.db.models import Model
from django.utils import timezone

from iasios.accounts.models import ProgrammeRole, User
from iasios.applications.models import Cycle, Dossier
from iasios.assessment.models import Assignment, EvidenceRequest
from iasios.billing.models import Invoice, Payment
from iasios.core.models import Event
from iasios.decisions.models import Award, CorrectiveAction, Decision
from iasios.facilities.models import Facility
from iasios.reports.selectors.awards import AwardSection, award_section
from iasios.reports.selectors.invoices import InvoiceSection, invoice_section
from iasios.reports.selectors.progress import ClockSection, Pipeline, clock_section, pipeline
from iasios.reports.selectors.work import OverdueSection, Workload, overdue_section, workload
from iasios.standards.models import FrameworkVersion


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


# ============================================================================= the kept page

# What the dashboard reads. Rows saved through the ORM change their `updated_at`; a row added or
# deleted changes the count. Models kept with a history (simple_history: a row per save and
# delete, numbered in order) add its last number, which moves forward whatever the clock says;
# people and programme roles have no `updated_at` and count on their history alone. The event
# log only grows: its last id. Requirements (their references) and country names do not change
# once published.
DASHBOARD_SOURCES: tuple[type[Model], ...] = (
    Cycle,
    Dossier,
    EvidenceRequest,
    Assignment,
    CorrectiveAction,
    Decision,
    Facility,
    Invoice,
    Payment,
    Award,
    FrameworkVersion,  # the decision clock's targets
    User,
    ProgrammeRole,
)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def dashboard_version() -> str:
    """What the dashboard is drawn from, as it stands, in one query of scalar subqueries (count,
    last change and last history number of each table it reads, the event log's last id)."""
    # Table and column names from the models' metadata, quoted by the backend: no outside input.
    q = connection.ops.quote_name
    parts: list[str] = []
    for model in DASHBOARD_SOURCES:
        table = _table(model)
        parts.append(f"(SELECT COUNT(*) FROM {table})")  # noqa: S608
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            parts.append(f"(SELECT MAX({q('updated_at')}) FROM {table})")  # noqa: S608
        history = getattr(model, "history", None)
        if history is not None:
            parts.append(f"(SELECT MAX({q('history_id')}) FROM {_table(history.model)})")  # noqa: S608
    parts.append(f"(SELECT MAX({q('id')}) FROM {_table(Event)})")  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        row = cursor.fetchone()
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:32]
