"""The office's assessment lists as report tables: what the pages show and the exports write."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils.translation import gettext as _

from iasios.applications.models import Cycle
from iasios.assessment.models import AssessorProfile, EvidenceRequest
from iasios.assessment.selectors import DecisionClock
from iasios.core.exports import Column, Table


def triage_table(cycles: Iterable[Cycle]) -> Table[Cycle]:
    """Rows from `selectors.triage_queue` (latest dossier annotated)."""
    return Table(
        name="triage",
        title=_("Triage"),
        columns=[
            Column(_("Facility"), lambda c: c.facility.name, width=32),
            Column(_("City"), lambda c: c.facility.city, width=18),
            Column(_("Country"), lambda c: c.facility.country),
            Column(_("Kind"), lambda c: c.get_kind_display(), width=18),
            Column(_("Submitted"), lambda c: getattr(c, "dossier_at", None) or c.submitted_at, width=17),
            Column(_("Revision"), lambda c: getattr(c, "dossier_count", None), numeric=True),
            Column(_("Dossier SHA-256"), lambda c: getattr(c, "dossier_sha256", "") or "", width=66),
        ],
        rows=cycles,
    )


def assessor_table(profiles: Iterable[AssessorProfile]) -> Table[AssessorProfile]:
    """Rows from `selectors.assessor_profiles` (active assignments annotated)."""
    return Table(
        name="assessors",
        title=_("Assessor pool"),
        columns=[
            Column(_("Assessor"), lambda p: str(p.user), width=24),
            Column(_("E-mail"), lambda p: p.user.email, width=28),
            Column(_("Country"), lambda p: p.country),
            Column(_("Institution"), lambda p: p.institution, width=30),
            Column(_("Expertise"), lambda p: ", ".join(p.expertise_categories or []), width=28),
            Column(_("Other expertise"), lambda p: p.expertise_note, width=28),
            Column(_("Languages"), lambda p: p.languages, width=20),
            Column(_("Availability"), lambda p: p.get_availability_display(), width=14),
            Column(_("Availability note"), lambda p: p.availability_note, width=24),
            Column(_("Active"), lambda p: getattr(p, "active", None), numeric=True),
        ],
        rows=profiles,
    )


def _clock_state(clock: DecisionClock) -> str:
    return {
        "paused": _("paused"),
        "not_started": _("not started"),
        "started": _("started"),
        "before": _("running, before the target"),
        "within": _("within the target"),
    }.get(clock.phase, _("past the target"))


def clock_table(clocks: Iterable[DecisionClock]) -> Table[DecisionClock]:
    """Rows from `selectors.decision_clocks`."""
    return Table(
        name="decision-clocks",
        title=_("Decision clocks"),
        columns=[
            Column(_("Facility"), lambda c: c.cycle.facility.name, width=32),
            Column(_("Country"), lambda c: c.cycle.facility.country),
            Column(_("Status"), lambda c: c.cycle.get_status_display(), width=16),
            Column(_("Last evidence"), lambda c: c.running_since, width=17),
            Column(_("Decision clock"), _clock_state, width=18),
            Column(_("Weeks"), lambda c: c.weeks, numeric=True),
            Column(_("Open requests"), lambda c: c.open_requests, numeric=True),
            Column(_("Target"), lambda c: f"{c.target_min_weeks}–{c.target_max_weeks}"),
        ],
        rows=clocks,
    )


def overdue_request_table(requests: Iterable[EvidenceRequest], today: datetime.date) -> Table[EvidenceRequest]:
    """Rows from `selectors.overdue_requests`."""
    return Table(
        name="overdue-evidence-requests",
        title=_("Overdue evidence requests"),
        columns=[
            Column(_("Facility"), lambda r: r.cycle.facility.name, width=32),
            Column(_("Requirement"), lambda r: r.requirement.reference),
            Column(_("Assessor"), lambda r: str(r.assignment.assessor), width=24),
            Column(_("Opened"), lambda r: r.opened_at, width=17),
            Column(_("Due"), lambda r: r.due_on, width=12),
            Column(_("Days late"), lambda r: (today - r.due_on).days, numeric=True),
        ],
        rows=requests,
    )
