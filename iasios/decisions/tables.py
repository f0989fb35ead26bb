"""The office's decision lists as report tables: what the overview shows and the exports write."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from iasios.core.exports import Column, Table
from iasios.decisions.models import Appeal, Award, CorrectiveAction, Decision, Outcome

OUTCOME_LABELS = dict(Outcome.choices)


def _outcome(value: str) -> str:
    return str(OUTCOME_LABELS.get(value, value))


def corrective_action_table(actions: Iterable[CorrectiveAction]) -> Table[CorrectiveAction]:
    return Table(
        name="corrective-actions",
        title=_("Corrective actions"),
        columns=[
            Column(_("Facility"), lambda a: a.decision.cycle.facility.name, width=32),
            Column(_("Action"), lambda a: a.description, width=48),
            Column(_("Owner"), lambda a: a.owner, width=20),
            Column(_("Due"), lambda a: a.due_on, width=12),
            Column(_("Status"), lambda a: a.get_status_display(), width=12),
            Column(_("Decided on"), lambda a: a.decision.decided_on, width=12),
        ],
        rows=actions,
    )


def decision_table(decisions: Iterable[Decision]) -> Table[Decision]:
    return Table(
        name="decisions",
        title=_("Decisions"),
        columns=[
            Column(_("Facility"), lambda d: d.cycle.facility.name, width=32),
            Column(_("Country"), lambda d: d.cycle.facility.country),
            Column(_("Round"), lambda d: d.round, numeric=True),
            Column(_("Decided on"), lambda d: d.decided_on, width=12),
            Column(_("Outcome"), lambda d: _outcome(d.outcome), width=22),
            Column(_("Recommended"), lambda d: _outcome(d.recommended_outcome), width=22),
            Column(_("Status"), lambda d: d.get_status_display(), width=18),
            Column(_("Resubmit by"), lambda d: d.resubmit_by, width=12),
            Column(_("Dossier SHA-256"), lambda d: d.dossier_sha256, width=66),
        ],
        rows=decisions,
    )


def appeal_table(appeals: Iterable[Appeal]) -> Table[Appeal]:
    return Table(
        name="appeals",
        title=_("Appeals"),
        columns=[
            Column(_("Facility"), lambda a: a.decision.cycle.facility.name, width=32),
            Column(_("Lodged on"), lambda a: a.lodged_on, width=12),
            Column(_("Lodged by"), lambda a: str(a.lodged_by), width=20),
            Column(_("Decision of"), lambda a: a.decision.decided_on, width=12),
            Column(_("Status"), lambda a: a.get_status_display(), width=14),
            Column(_("Grounds"), lambda a: a.grounds, width=60),
        ],
        rows=appeals,
    )


def award_table(awards: Iterable[Award]) -> Table[Award]:
    def certificate(award: Award) -> str:
        cert = getattr(award, "certificate", None)
        return cert.number if cert is not None else ""

    return Table(
        name="awards",
        title=_("Awards"),
        columns=[
            Column(_("Facility"), lambda a: a.facility.name, width=32),
            Column(_("Country"), lambda a: a.facility.country),
            Column(_("Level"), lambda a: a.get_level_display(), width=22),
            Column(_("Certificate"), certificate, width=18),
            Column(_("Valid from"), lambda a: a.valid_from, width=12),
            Column(_("Valid until"), lambda a: a.valid_until, width=12),
            Column(_("Status"), lambda a: a.get_status_display(), width=12),
            Column(_("Status since"), lambda a: a.status_changed_on, width=12),
            Column(_("Reason"), lambda a: a.status_reason, width=40),
        ],
        rows=awards,
    )
