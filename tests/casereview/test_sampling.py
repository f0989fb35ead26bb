"""The seeded draw: reproducible, bound to the log, replacements in sequence order."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from iasios.casereview import selectors, services
from iasios.casereview.models import ProcedureCase, SampledCase
from iasios.casereview.sampling import ALGORITHM_RANK_V1, LogRow, canonical_log_text, draw_sequence, log_sha256
from iasios.core.models import Event
from tests.casereview.helpers import CATEGORIES, PERIOD_START, drawn, log_csv, make_cycle, upload

SEED = "00112233445566778899aabbccddeeff"


def _rows(n: int = 60) -> list[LogRow]:
    return [
        LogRow(f"ICR-{i + 1:04d}", PERIOD_START + timedelta(days=i % 360), CATEGORIES[i % len(CATEGORIES)])
        for i in range(n)
    ]


def test_canonical_hash_is_independent_of_row_order() -> None:
    rows = _rows()
    assert log_sha256(rows) == log_sha256(list(reversed(rows)))
    assert canonical_log_text(rows[:2]) == "ICR-0001\t2025-01-01\tablation\nICR-0002\t2025-01-02\tradioembolisation\n"


def test_known_answer_vector() -> None:
    """A fixed seed and log give this exact sequence on every machine (also in the docs)."""
    rows = _rows()
    log_hash = log_sha256(rows)
    assert log_hash == "faa657b78ebb78a88270486c7c3f63715416054d799189cd78a8144b983a29d6"
    sequence = draw_sequence(seed=SEED, log_hash=log_hash, references=[r.reference for r in rows])
    assert sequence[:5] == ["ICR-0019", "ICR-0025", "ICR-0015", "ICR-0036", "ICR-0022"]
    assert sequence[30:32] == ["ICR-0045", "ICR-0001"]


def test_the_documented_method_reimplemented_gives_the_same_order() -> None:
    rows = _rows()
    log_hash = log_sha256(rows)
    refs = [r.reference for r in rows]
    key = bytes.fromhex(SEED)
    by_hand = sorted(refs, key=lambda r: (hmac.new(key, f"{log_hash}\n{r}".encode(), hashlib.sha256).hexdigest(), r))
    assert draw_sequence(seed=SEED, log_hash=log_hash, references=refs, algorithm=ALGORITHM_RANK_V1) == by_hand


def test_same_seed_and_log_give_the_same_sample_whatever_the_input_order() -> None:
    rows = _rows()
    log_hash = log_sha256(rows)
    first = draw_sequence(seed=SEED, log_hash=log_hash, references=[r.reference for r in rows])
    again = draw_sequence(seed=SEED, log_hash=log_hash, references=[r.reference for r in reversed(rows)])
    assert first[:30] == again[:30]
    assert first == again
    other_seed = draw_sequence(seed="ff" * 16, log_hash=log_hash, references=[r.reference for r in rows])
    assert other_seed[:30] != first[:30]
    other_log = draw_sequence(seed=SEED, log_hash="0" * 64, references=[r.reference for r in rows])
    assert other_log[:30] != first[:30]


def test_the_draw_stores_seed_algorithm_hash_and_30_cases_in_sequence_order(cast, framework) -> None:
    cycle = make_cycle(cast.facility, framework)
    draw = drawn(cycle, cast.contributor)
    assert len(draw.seed) == 32 and int(draw.seed, 16) >= 0
    assert draw.algorithm == ALGORITHM_RANK_V1
    assert draw.log_sha256 == draw.log.sha256 == log_sha256(_rows())
    assert draw.sample_size == 30
    stored = list(SampledCase.objects.filter(draw=draw).order_by("position").values_list("case__reference", flat=True))
    expected = draw_sequence(seed=draw.seed, log_hash=draw.log_sha256, references=[r.reference for r in _rows()])
    assert stored == expected[:30]
    result = selectors.verify_draw(draw)
    assert result.matches and result.log_hash_matches and result.expected == result.stored == stored
    event = Event.objects.for_object(cycle).get(action="case_sample_drawn")
    assert event.data["seed"] == draw.seed and event.data["references"] == stored


def test_two_draws_get_different_seeds(cast, framework) -> None:
    a = drawn(make_cycle(cast.facility, framework), cast.contributor)
    b = drawn(make_cycle(cast.other_facility, framework), cast.outsider)
    assert a.seed != b.seed


def test_a_second_draw_is_refused(cast, framework) -> None:
    cycle = make_cycle(cast.facility, framework)
    drawn(cycle, cast.contributor)
    with pytest.raises(services.CaseReviewConflict):
        services.sample_draw(cycle=cycle, user=cast.contributor)


def test_verify_detects_a_changed_log(cast, framework) -> None:
    cycle = make_cycle(cast.facility, framework)
    draw = drawn(cycle, cast.contributor)
    ProcedureCase.objects.filter(log=draw.log, reference="ICR-0007").update(procedure_date=date(2025, 2, 2))
    result = selectors.verify_draw(draw)
    assert not result.log_hash_matches
    assert not result.matches
    assert result.computed_log_hash != result.stored_log_hash == draw.log_sha256


def test_verify_detects_a_swapped_sampled_case(cast, framework) -> None:
    cycle = make_cycle(cast.facility, framework)
    draw = drawn(cycle, cast.contributor)
    sampled_ids = set(SampledCase.objects.filter(draw=draw).values_list("case_id", flat=True))
    outside = ProcedureCase.objects.filter(log=draw.log).exclude(pk__in=sampled_ids).first()
    SampledCase.objects.filter(draw=draw, position=3).update(case=outside)
    result = selectors.verify_draw(draw)
    assert result.log_hash_matches and not result.matches
    assert result.expected[2] != result.stored[2] == outside.reference


def test_excluding_two_cases_brings_in_positions_31_and_32(cast, framework) -> None:
    cycle = make_cycle(cast.facility, framework)
    draw = drawn(cycle, cast.contributor)
    sequence = draw_sequence(seed=draw.seed, log_hash=draw.log_sha256, references=[r.reference for r in _rows()])
    first = services.sampled_case_exclude(
        sampled_case=SampledCase.objects.get(draw=draw, position=4), user=cast.contributor, reason="File missing"
    )
    second = services.sampled_case_exclude(
        sampled_case=SampledCase.objects.get(draw=draw, position=17), user=cast.contributor, reason="Diagnostic only"
    )
    assert (first.position, first.case.reference) == (31, sequence[30])
    assert (second.position, second.case.reference) == (32, sequence[31])
    assert first.replaces.position == 4 and second.replaces.position == 17
    excluded = SampledCase.objects.get(draw=draw, position=4)
    assert excluded.excluded and excluded.excluded_reason == "File missing"
    assert selectors.verify_draw(draw).matches
    events = Event.objects.for_object(cycle).filter(action="sampled_case_excluded").order_by("id")
    assert [(e.data["position"], e.data["replacement_position"], e.reason) for e in events] == [
        (4, 31, "File missing"),
        (17, 32, "Diagnostic only"),
    ]
    status = selectors.case_review_status(cycle)
    assert status.required == 30 and status.reviewed == 0


def test_exclusion_needs_a_reason_and_happens_once(cast, framework) -> None:
    cycle = make_cycle(cast.facility, framework)
    draw = drawn(cycle, cast.contributor)
    sampled = SampledCase.objects.get(draw=draw, position=1)
    with pytest.raises(ValidationError):
        services.sampled_case_exclude(sampled_case=sampled, user=cast.contributor, reason="   ")
    services.sampled_case_exclude(sampled_case=sampled, user=cast.contributor, reason="Lost")
    with pytest.raises(services.CaseReviewConflict):
        services.sampled_case_exclude(sampled_case=sampled, user=cast.contributor, reason="Again")


def test_no_replacement_left_when_the_log_is_exhausted(cast, framework) -> None:
    cycle = make_cycle(cast.facility, framework)
    draw = drawn(cycle, cast.contributor, n=31)
    services.sampled_case_exclude(
        sampled_case=SampledCase.objects.get(draw=draw, position=1), user=cast.contributor, reason="Lost"
    )
    with pytest.raises(services.CaseReviewConflict):
        services.sampled_case_exclude(
            sampled_case=SampledCase.objects.get(draw=draw, position=2), user=cast.contributor, reason="Lost too"
        )
    status = selectors.case_review_status(cycle)
    assert not status.complete


def test_reuploading_a_shuffled_log_gives_the_same_hash(cast, framework) -> None:
    a = make_cycle(cast.facility, framework)
    b = make_cycle(cast.other_facility, framework)
    data = log_csv(40)
    header, *lines = data.decode().strip().split("\n")
    shuffled = ("\ufeff" + "\n".join([header, *reversed(lines)]) + "\n").encode()
    first = upload(a, cast.contributor, data)
    second = upload(b, cast.outsider, shuffled)
    assert first.log is not None and second.log is not None
    assert first.log.sha256 == second.log.sha256
    assert first.log.file_sha256 != second.log.file_sha256
