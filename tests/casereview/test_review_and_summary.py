"""Reviews, the per-item summary against hand-computed numbers, status, snapshot and CSV export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError

from iasios.casereview import selectors, services
from iasios.casereview.models import CaseReview, SampledCase
from iasios.core.models import Event
from tests.casereview.helpers import answer_all, drawn, make_cycle


@pytest.fixture
def setup(cast, framework):
    cycle = make_cycle(cast.facility, framework)
    draw = drawn(cycle, cast.contributor)
    return cycle, draw, selectors.checklist(cycle)


def _mix(i: int) -> dict[str, str]:
    """Case i (0–29): a known mix of answers."""
    return {
        "tumour-board-followed": "no" if i < 3 else "yes",  # 27/30 = 90.0 %, target 90 → meets
        "clinic-assessment": "no" if i < 4 else "yes",  # 26/30 = 86.7 %, target 90 → under
        "planning-imaging": "na" if i < 10 else ("no" if i == 10 else "yes"),  # 19/20 = 95.0 %, target 95 → meets
        "consent": "no" if i == 29 else "yes",  # 29/30 = 96.7 %, target 100 → under
        "follow-up-imaging": "na",  # no case applies → no result, not flagged
    }


def test_summary_against_a_hand_computed_example(setup, cast) -> None:
    cycle, draw, items = setup
    for i, sc in enumerate(selectors.sampled_cases(draw)):
        answer_all(sc, cast.contributor, items, answers=_mix(i), grade=2 if i < 5 else 0)
    summary = selectors.review_summary(cycle)
    by_code = {s.item.code: s for s in summary.items}
    assert summary.reviewed == 30 and summary.required == 30
    expected = {
        "tumour-board-before": (30, 0, 0, 100.0, True),
        "tumour-board-followed": (27, 3, 0, 90.0, True),
        "clinic-assessment": (26, 4, 0, 86.7, False),
        "planning-imaging": (19, 1, 10, 95.0, True),
        "consent": (29, 1, 0, 96.7, False),
        "follow-up-imaging": (0, 0, 30, None, None),
    }
    for code, (yes, no, na, percent, meets) in expected.items():
        s = by_code[code]
        assert (s.yes, s.no, s.not_applicable, s.percent, s.meets_target) == (yes, no, na, percent, meets), code
    assert [s.item.code for s in summary.flagged] == ["clinic-assessment", "consent"]
    assert summary.grades == {0: 25, 2: 5}
    status = selectors.case_review_status(cycle)
    assert status.complete and status.reviewed == 30 and status.blockers == []


def test_incomplete_and_excluded_reviews_do_not_count(setup, cast) -> None:
    cycle, draw, items = setup
    cases = selectors.sampled_cases(draw)
    answer_all(cases[0], cast.contributor, items, answers={"consent": "no"})
    # Only half the items: not complete, so not counted.
    services.case_review_save(
        sampled_case=cases[1],
        user=cast.contributor,
        answers={item.code: services.AnswerInput("no") for item in items[:5]},
        complication_grade=None,
    )
    answer_all(cases[2], cast.contributor, items, answers={"consent": "no"})
    services.sampled_case_exclude(sampled_case=cases[2], user=cast.contributor, reason="Wrong procedure type")
    summary = selectors.review_summary(cycle)
    consent = next(s for s in summary.items if s.item.code == "consent")
    assert summary.reviewed == 1 and (consent.yes, consent.no) == (0, 1)
    status = selectors.case_review_status(cycle)
    assert not status.complete and status.reviewed == 1
    assert any("29" in b for b in status.blockers)


def test_a_review_is_complete_only_with_every_item_and_the_grade(setup, cast) -> None:
    cycle, draw, items = setup
    sc = selectors.sampled_cases(draw)[0]
    review = answer_all(sc, cast.contributor, items, grade=None)
    assert not review.complete  # the grade item is answered yes, so the grade is needed
    review = answer_all(sc, cast.contributor, items, answers={"complications-graded": "no"}, grade=None)
    assert review.complete
    review = answer_all(sc, cast.contributor, items, grade=3)
    assert review.complete and review.complication_grade == 3
    review = services.case_review_save(
        sampled_case=sc, user=cast.contributor, answers={"consent": services.AnswerInput("")}, complication_grade=3
    )
    assert not review.complete and review.answers.count() == len(items) - 1
    assert Event.objects.for_object(cycle).filter(action="case_review_saved").count() == 4


@pytest.mark.parametrize(
    "answers, grade, field",
    [
        ({"nonsense": services.AnswerInput("yes")}, None, "nonsense"),
        ({"consent": services.AnswerInput("maybe")}, None, "consent"),
        ({"consent": services.AnswerInput("yes", "x" * 2001)}, None, "consent"),
        ({"consent": services.AnswerInput("yes", "Patient NHS 943 476 5919")}, None, "consent"),
        ({"consent": services.AnswerInput("yes", "DOB checked")}, None, "consent"),
        ({}, 7, "complication_grade"),
    ],
)
def test_bad_review_input_changes_nothing(setup, cast, answers, grade, field) -> None:
    _cycle, draw, _items = setup
    with pytest.raises(ValidationError) as exc:
        services.case_review_save(
            sampled_case=selectors.sampled_cases(draw)[0],
            user=cast.contributor,
            answers=answers,
            complication_grade=grade,
        )
    assert field in exc.value.message_dict
    assert CaseReview.objects.count() == 0


def test_an_excluded_case_cannot_be_reviewed(setup, cast) -> None:
    _cycle, draw, items = setup
    sc = SampledCase.objects.get(draw=draw, position=1)
    services.sampled_case_exclude(sampled_case=sc, user=cast.contributor, reason="Lost")
    with pytest.raises(services.CaseReviewConflict):
        answer_all(sc, cast.contributor, items)


def test_status_without_log_and_without_draw(cast, framework) -> None:
    cycle = make_cycle(cast.facility, framework)
    status = selectors.case_review_status(cycle)
    assert not status.complete and status.required == 30 and len(status.blockers) == 1
    assert status.url == f"/case-review/cycle/{cycle.pk}/"
    from tests.casereview.helpers import upload

    upload(cycle, cast.contributor)
    status = selectors.case_review_status(cycle)
    assert not status.complete and "Draw" in status.blockers[0]


def test_snapshot_is_json_serialisable_and_stable(setup, cast) -> None:
    cycle, draw, items = setup
    cases = selectors.sampled_cases(draw)
    for i, sc in enumerate(cases):
        answer_all(sc, cast.contributor, items, answers=_mix(i), notes={"consent": "checked"})
    services.sampled_case_exclude(sampled_case=cases[5], user=cast.contributor, reason="File lost")
    first = selectors.case_review_snapshot(cycle)
    second = selectors.case_review_snapshot(cycle)
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert first["draw"]["seed"] == draw.seed and first["draw"]["algorithm"] == draw.algorithm
    assert first["log"]["sha256"] == draw.log.sha256 and first["log"]["row_count"] == 60
    assert first["log"]["period_start"] == "2025-01-01"
    positions = [c["position"] for c in first["sampled_cases"]]
    assert positions == list(range(1, 32))
    assert first["sampled_cases"][5]["excluded"] and first["sampled_cases"][5]["exclusion_reason"] == "File lost"
    assert first["sampled_cases"][30]["replaces_position"] == 6 and first["sampled_cases"][30]["review"] is None
    answers = first["sampled_cases"][0]["review"]["answers"]
    assert len(answers) == len(items) and {"item", "answer", "note"} <= set(answers[0])
    consent = next(s for s in first["summary"] if s["item"] == "consent")
    assert (consent["yes"], consent["no"], consent["compliance_percent"]) == (28, 1, "96.6")
    assert first["reviewed"] == 29
    assert first["complete"] is False  # one excluded case's replacement is not reviewed yet


def test_csv_export_neutralises_formulas(setup, cast) -> None:
    cycle, draw, items = setup
    sc = selectors.sampled_cases(draw)[0]
    answer_all(sc, cast.contributor, items, notes={"consent": '=HYPERLINK("http://x.invalid","click")'})
    response = cast.client_for("contributor").get(f"/case-review/cycle/{cycle.pk}/summary.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["section", "position", "case_reference", "item"]
    notes = [r[12] for r in rows if r[0] == "case" and r[3] == "consent"]
    assert notes == ['\'=HYPERLINK("http://x.invalid","click")']
    summary_rows = [r for r in rows if r[0] == "summary"]
    assert len(summary_rows) == len(items)
