"""The rule engine: from the consolidated ratings to the proposed outcome. A pure function.

The rules (docs/decisions/0010-assessment.md says why):

1. A requirement counts as *met* when it is rated met or not applicable (the assessors agreed
   it does not apply to this service). A requirement without a consolidated rating counts as
   not met: nothing is assumed in the facility's favour.
2. Every core requirement met and the case review complete → **accredited**, unless rule 3.
3. A re-certification of a facility that holds an accredited award in force, with every core
   and every extended requirement met and the case review complete → **centre of excellence**
   (its award starts when the current one ends, so only after the full term; the award fact is
   the caller's, docs/decisions/0018-award-succession.md).
4. Otherwise, any core requirement *not met* (at all) → **not accredited**.
5. Otherwise (every unmet core requirement is at least partly met, or only the case review
   is incomplete) → **areas to amend**.

Extended requirements never compensate for core ones: they are read only by rule 3. The
flagged requirements are every requirement (core or extended) not counted as met.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

ACCREDITED = "accredited"
CENTRE_OF_EXCELLENCE = "centre_of_excellence"
AREAS_TO_AMEND = "areas_to_amend"
NOT_ACCREDITED = "not_accredited"

MET = "met"
PARTLY_MET = "partly_met"
NOT_MET = "not_met"
NOT_APPLICABLE = "not_applicable"

COUNTS_AS_MET = frozenset({MET, NOT_APPLICABLE})


@dataclass(frozen=True)
class RatedRequirement:
    requirement_id: Any
    core: bool
    rating: str | None  # None: no consolidated rating yet


@dataclass(frozen=True)
class RuleResult:
    outcome: str
    flagged: tuple[Any, ...]
    reasons: tuple[str, ...] = field(default_factory=tuple)


def propose_outcome(
    ratings: Iterable[RatedRequirement],
    *,
    case_review_complete: bool,
    recertification: bool,
    accredited_award_in_force: bool,
) -> RuleResult:
    excellence_possible = recertification and accredited_award_in_force
    rows = list(ratings)
    flagged = tuple(r.requirement_id for r in rows if r.rating not in COUNTS_AS_MET)
    core = [r for r in rows if r.core]
    extended = [r for r in rows if not r.core]
    core_met = all(r.rating in COUNTS_AS_MET for r in core)
    extended_met = all(r.rating in COUNTS_AS_MET for r in extended)
    core_not_met = [r for r in core if r.rating not in COUNTS_AS_MET and r.rating != PARTLY_MET]

    if core_met and case_review_complete:
        if excellence_possible and extended_met:
            return RuleResult(
                CENTRE_OF_EXCELLENCE,
                flagged,
                (
                    _("every core and extended requirement met"),
                    _("re-certification of a centre holding an accredited award in force"),
                ),
            )
        reasons = [_("every core requirement met"), _("case review complete")]
        if excellence_possible and not extended_met:
            reasons.append(_("not every extended requirement met: no centre of excellence"))
        return RuleResult(ACCREDITED, flagged, tuple(reasons))
    if core_not_met:
        return RuleResult(
            NOT_ACCREDITED,
            flagged,
            (
                ngettext("%(n)d core requirement not met", "%(n)d core requirements not met", len(core_not_met))
                % {"n": len(core_not_met)},
            ),
        )
    reasons = []
    if not core_met:
        reasons.append(_("core requirements only partly met"))
    if not case_review_complete:
        reasons.append(_("case review incomplete"))
    return RuleResult(AREAS_TO_AMEND, flagged, tuple(reasons))
