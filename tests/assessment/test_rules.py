"""The rule engine as a table: consolidated ratings, case review, kind of cycle → outcome."""

from __future__ import annotations

import pytest

from iasios.assessment import rules
from iasios.assessment.rules import RatedRequirement as R

CORE_MET = [R(1, True, "met"), R(2, True, "met"), R(3, True, "not_applicable")]
EXT_MET = [R(10, False, "met"), R(11, False, "not_applicable")]

CASES = [
    # (name, ratings, case review complete, re-certification, award in force, outcome, flagged)
    ("all met, first accreditation", CORE_MET + EXT_MET, True, False, False, rules.ACCREDITED, ()),
    ("a core item not met", [R(1, True, "not_met"), *CORE_MET[1:], *EXT_MET], True, False, False,
     rules.NOT_ACCREDITED, (1,)),
    ("a core item partly met", [R(1, True, "partly_met"), *CORE_MET[1:], *EXT_MET], True, False, False,
     rules.AREAS_TO_AMEND, (1,)),
    ("a core item not rated counts as not met", [R(1, True, None), *CORE_MET[1:]], True, False, False,
     rules.NOT_ACCREDITED, (1,)),
    ("an extended item not met does not block accreditation", [*CORE_MET, R(10, False, "not_met")], True, False,
     False, rules.ACCREDITED, (10,)),
    ("extended items never compensate for a core item", [R(1, True, "partly_met"), *CORE_MET[1:], *EXT_MET],
     True, True, True, rules.AREAS_TO_AMEND, (1,)),
    ("case review incomplete", CORE_MET + EXT_MET, False, False, False, rules.AREAS_TO_AMEND, ()),
    ("case review incomplete and a core item not met", [R(1, True, "not_met"), *CORE_MET[1:]], False, False, False,
     rules.NOT_ACCREDITED, (1,)),
    ("not a re-certification: all met is accredited", CORE_MET + EXT_MET, True, False, True, rules.ACCREDITED, ()),
    ("re-certification without an award in force", CORE_MET + EXT_MET, True, True, False, rules.ACCREDITED, ()),
    ("re-certification, award in force, all met", CORE_MET + EXT_MET, True, True, True, rules.CENTRE_OF_EXCELLENCE, ()),
    ("re-certification, award in force, an extended item partly met", [*CORE_MET, R(10, False, "partly_met")], True,
     True, True, rules.ACCREDITED, (10,)),
    ("re-certification, award in force, all met, case review incomplete", CORE_MET + EXT_MET, False, True, True,
     rules.AREAS_TO_AMEND, ()),
]  # fmt: skip


@pytest.mark.parametrize(("name", "ratings", "icr", "recert", "in_force", "outcome", "flagged"), CASES)
def test_rule_table(
    name: str, ratings: list[R], icr: bool, recert: bool, in_force: bool, outcome: str, flagged: tuple[int, ...]
) -> None:
    result = rules.propose_outcome(
        ratings, case_review_complete=icr, recertification=recert, accredited_award_in_force=in_force
    )
    assert result.outcome == outcome, name
    assert result.flagged == flagged, name
    assert result.reasons, name
