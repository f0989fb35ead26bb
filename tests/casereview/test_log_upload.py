"""Uploading the procedure log: every bad row reported with its number; nothing stored unless clean."""

from __future__ import annotations

from datetime import date

import pytest

from iasios.casereview import services
from iasios.casereview.models import CaseReview, ProcedureCase, ProcedureLog, ProcedureLogUpload, SampleDraw
from iasios.casereview.validation import (
    looks_like_birth_date,
    looks_like_name,
    looks_like_patient_number,
    period_end,
    reference_problem,
)
from iasios.core.models import Event
from tests.casereview.helpers import answer_all, drawn, log_csv, make_cycle, upload


@pytest.fixture
def cycle(cast, framework):
    return make_cycle(cast.facility, framework)


def _codes(outcome) -> list[tuple[int | None, str]]:
    return [(e.row, e.code) for e in outcome.errors]


def test_a_clean_log_is_stored_with_its_rows(cycle, cast) -> None:
    outcome = upload(cycle, cast.contributor, log_csv(45))
    assert outcome.accepted and outcome.errors == []
    log = ProcedureLog.objects.get(cycle=cycle)
    assert log.row_count == 45 == ProcedureCase.objects.filter(log=log).count()
    assert (log.period_start, log.period_end) == (date(2025, 1, 1), date(2025, 12, 31))
    assert len(log.sha256) == 64
    assert Event.objects.for_object(cycle).filter(action="procedure_log_uploaded").count() == 1


@pytest.mark.parametrize(
    "line, column, code",
    [
        ("ICR-9001,2025-13-01,ablation", "procedure_date", "bad_date"),
        ("ICR-9001,2025-02-30,ablation", "procedure_date", "bad_date"),
        ("ICR-9001,12/03/2025,ablation", "procedure_date", "bad_date"),
        ("ICR-9001,2026-02-01,ablation", "procedure_date", "date_outside_period"),
        ("ICR-9001,2024-12-31,ablation", "procedure_date", "date_outside_period"),
        ("ICR-9001,2025-03-01,biopsy", "category", "unknown_category"),
        ("ICR-0003,2025-03-01,ablation", "case_reference", "duplicate_reference"),
        ("icr-0003,2025-03-01,ablation", "case_reference", "duplicate_reference"),
        ("Maria Rossi,2025-03-01,ablation", "case_reference", "reference_name"),
        ('"Rossi, Maria",2025-03-01,ablation', "case_reference", "reference_name"),
        ("Rossi,2025-03-01,ablation", "case_reference", "reference_name"),
        ("1961-04-12,2025-03-01,ablation", "case_reference", "reference_birth_date"),
        ("12.04.61,2025-03-01,ablation", "case_reference", "reference_birth_date"),
        ("943 476 5919,2025-03-01,ablation", "case_reference", "reference_patient_number"),
        ("943-476-5919,2025-03-01,ablation", "case_reference", "reference_patient_number"),
        ("123-45-6789,2025-03-01,ablation", "case_reference", "reference_patient_number"),
        ("MRN12345678,2025-03-01,ablation", "case_reference", "reference_patient_number"),
        ("ICR 77,2025-03-01,ablation", "case_reference", "reference_format"),
        (",2025-03-01,ablation", "case_reference", "missing_value"),
        ("ICR-9001,,ablation", "procedure_date", "missing_value"),
        ("ICR-9001,2025-03-01,", "category", "missing_value"),
        ("ICR-9001,2025-03-01,ablation,Maria Rossi", "", "extra_values"),
    ],
)
def test_each_bad_row_is_reported_with_its_row_number(cycle, cast, line, column, code) -> None:
    data = log_csv(40, extra=[line])  # header = row 1, 40 good rows = rows 2–41, the bad one is row 42
    outcome = upload(cycle, cast.contributor, data)
    assert not outcome.accepted
    assert (42, column, code) in [(e.row, e.column, e.code) for e in outcome.errors]
    assert all(e.row == 42 for e in outcome.errors), outcome.errors
    assert ProcedureLog.objects.count() == 0 and ProcedureCase.objects.count() == 0


def test_a_value_is_never_echoed_in_the_error_report(cycle, cast) -> None:
    outcome = upload(cycle, cast.contributor, log_csv(40, extra=["Maria Rossi,1961-04-12,ablation"]))
    report = ProcedureLogUpload.objects.get(cycle=cycle)
    assert not report.accepted and report.errors
    assert "Rossi" not in str(report.errors) and "1961" not in str(report.errors)
    assert "Rossi" not in " ".join(e.message for e in outcome.errors)


def test_many_bad_rows_are_all_reported_and_nothing_is_stored(cycle, cast) -> None:
    data = log_csv(
        40,
        extra=[
            "ICR-9001,2025-02-30,ablation",
            "ICR-9002,2025-03-01,biopsy",
            "ICR-0005,2025-03-01,ablation",
            "Jane Doe,2025-03-01,ablation",
        ],
    )
    outcome = upload(cycle, cast.contributor, data)
    assert _codes(outcome) == [
        (42, "bad_date"),
        (43, "unknown_category"),
        (44, "duplicate_reference"),
        (45, "reference_name"),
    ]
    assert "row 6" in outcome.errors[2].message  # ICR-0005 is the fifth data row, row 6
    assert ProcedureLog.objects.count() == 0 and ProcedureCase.objects.count() == 0
    assert Event.objects.for_object(cycle).filter(action="procedure_log_refused").count() == 1


def test_too_few_rows(cycle, cast) -> None:
    outcome = upload(cycle, cast.contributor, log_csv(29))
    assert _codes(outcome) == [(None, "too_few_rows")]
    assert "29" in outcome.errors[0].message and "30" in outcome.errors[0].message
    assert ProcedureLog.objects.count() == 0


@pytest.mark.parametrize(
    "header_extra, value, header_code, value_code",
    [
        ("DOB", "1961-04-12", "identity_column", "identity_birth_date"),
        ("patient_name", "Maria Rossi", "identity_column", "identity_name"),
        ("NHS number", "943 476 5919", "identity_column", "identity_patient_number"),
        ("comment", '"Rossi, Maria"', "unexpected_column", "identity_name"),
        ("comment", "born 1961", "unexpected_column", "identity_birth_date"),
        ("remarks", "19610412-1234", "unexpected_column", "identity_patient_number"),
    ],
)
def test_identity_columns_are_refused(cycle, cast, header_extra, value, header_code, value_code) -> None:
    lines = [f"case_reference,procedure_date,category,{header_extra}"]
    lines += [f"ICR-{i:04d},2025-03-{(i % 28) + 1:02d},ablation,{value if i == 1 else ''}" for i in range(1, 41)]
    outcome = upload(cycle, cast.contributor, ("\n".join(lines) + "\n").encode())
    codes = _codes(outcome)
    assert (1, header_code) in codes
    assert (2, value_code) in codes
    assert ProcedureLog.objects.count() == 0


def test_missing_columns_stop_the_check(cycle, cast) -> None:
    outcome = upload(cycle, cast.contributor, b"reference,date\nICR-1,2025-01-01\n")
    assert [(e.row, e.column, e.code) for e in outcome.errors] == [
        (1, "case_reference", "missing_column"),
        (1, "procedure_date", "missing_column"),
        (1, "category", "missing_column"),
        (1, "reference", "unexpected_column"),
        (1, "date", "unexpected_column"),
    ]


def test_not_a_text_file(cycle, cast) -> None:
    assert _codes(upload(cycle, cast.contributor, b"\x89PNG\r\n\x1a\n\x00\x00")) == [(None, "not_text")]
    assert _codes(upload(cycle, cast.contributor, "é".encode("latin-1") * 10)) == [(None, "not_text")]
    assert _codes(upload(cycle, cast.contributor, b"")) == [(None, "empty")]


def test_too_large(cycle, cast, settings) -> None:
    settings.PROCEDURE_LOG_MAX_BYTES = 100
    assert _codes(upload(cycle, cast.contributor, log_csv(40))) == [(None, "too_large")]


def test_semicolons_a_bom_and_blank_lines_are_accepted(cycle, cast) -> None:
    text = log_csv(35).decode().replace(",", ";")
    outcome = upload(cycle, cast.contributor, ("\ufeff" + text + "\n;;\n\n").encode())
    assert outcome.accepted, outcome.errors
    assert outcome.log is not None and outcome.log.row_count == 35


def test_dates_in_the_future_and_a_period_starting_in_the_future(cycle, cast) -> None:
    outcome = upload(cycle, cast.contributor, log_csv(40), today=date(2025, 2, 1))
    assert {e.code for e in outcome.errors} == {"date_in_future"}
    outcome = upload(cycle, cast.contributor, log_csv(40), period_start=date(2027, 1, 1))
    assert _codes(outcome) == [(None, "period_in_future")]


def test_reupload_replaces_the_log_before_any_review(cycle, cast) -> None:
    drawn(cycle, cast.contributor, n=40)
    outcome = upload(cycle, cast.contributor, log_csv(50))
    assert outcome.accepted
    assert ProcedureLog.objects.get(cycle=cycle).row_count == 50
    assert ProcedureCase.objects.count() == 50
    assert SampleDraw.objects.count() == 0
    event = Event.objects.for_object(cycle).filter(action="procedure_log_uploaded").order_by("-id").first()
    assert event.data["replaced"]["rows"] == 40


def test_the_same_log_again_is_refused(cycle, cast) -> None:
    upload(cycle, cast.contributor, log_csv(40))
    outcome = upload(cycle, cast.contributor, log_csv(40))
    assert _codes(outcome) == [(None, "same_log")]


def test_reupload_after_reviews_needs_confirmation_and_then_discards_them(cycle, cast, framework) -> None:
    from iasios.casereview import selectors

    draw = drawn(cycle, cast.contributor, n=40)
    answer_all(selectors.sampled_cases(draw)[0], cast.contributor, selectors.checklist(cycle))
    with pytest.raises(services.CaseReviewConflict):
        upload(cycle, cast.contributor, log_csv(50))
    assert CaseReview.objects.count() == 1 and ProcedureCase.objects.count() == 40
    outcome = upload(cycle, cast.contributor, log_csv(50), discard_reviews=True)
    assert outcome.accepted
    assert CaseReview.objects.count() == 0 and ProcedureCase.objects.count() == 50
    event = Event.objects.for_object(cycle).filter(action="procedure_log_uploaded").order_by("-id").first()
    assert event.data["replaced"]["reviews_discarded"] == 1


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Maria Rossi", True),
        ("Rossi, Maria", True),
        ("Dr Smith", True),
        ("ROSSI, MARIA", True),
        ("Pain management", False),
        ("ICR-0001", False),
        ("ablation", False),
        ("McDonald Ann", True),
    ],
)
def test_name_heuristic(value, expected) -> None:
    assert looks_like_name(value) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("943 476 5919", True),
        ("12345678", True),
        ("1 85 05 78 006 084 36", True),
        ("123-45-6789", True),
        ("ICR-2025-0001", False),
        ("A-1234567", False),
        ("2025-03-01", False),
    ],
)
def test_patient_number_heuristic(value, expected) -> None:
    assert looks_like_patient_number(value) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("1961-04-12", True),
        ("12/04/1961", True),
        ("DOB 1961", True),
        ("born in March", True),
        ("12 Apr 1961", True),
        ("ICR-2025-0001", False),
        ("case 12", False),
    ],
)
def test_birth_date_heuristic(value, expected) -> None:
    assert looks_like_birth_date(value) is expected


def test_good_references_pass() -> None:
    for ref in ["ICR-0001", "A1", "2025/017", "icr_2025.17", "P-0042"]:
        assert reference_problem(ref) is None, ref


def test_period_end_is_the_day_before_the_same_date_a_period_later() -> None:
    assert period_end(date(2025, 1, 1), 12) == date(2025, 12, 31)
    assert period_end(date(2024, 3, 15), 12) == date(2025, 3, 14)
    assert period_end(date(2023, 2, 28), 12) == date(2024, 2, 27)
    assert period_end(date(2024, 8, 31), 6) == date(2025, 2, 27)


def test_the_upload_page_lists_the_bad_rows_and_keeps_nothing(cycle, cast) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = log_csv(40, extra=["ICR-9001,2025-02-30,ablation", "Jane Doe,2025-03-01,ablation"])
    response = cast.client_for("contributor").post(
        f"/case-review/cycle/{cycle.pk}/log/",
        {"period_start": "2025-01-01", "file": SimpleUploadedFile("log.csv", data, "text/csv")},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "2 problems to fix" in page
    assert '<td class="num">42</td>' in page and '<td class="num">43</td>' in page
    assert "Jane Doe" not in page
    assert 'value="2025-01-01"' in page  # what the user typed is kept
    assert not ProcedureLog.objects.filter(cycle=cycle).exists()


def test_a_bad_file_gets_its_row_report_even_when_reviews_exist(cycle, cast) -> None:
    from iasios.casereview import selectors

    draw = drawn(cycle, cast.contributor, n=40)
    answer_all(selectors.sampled_cases(draw)[0], cast.contributor, selectors.checklist(cycle))
    outcome = upload(cycle, cast.contributor, log_csv(40, extra=["ICR-9001,2025-02-30,ablation"]))
    assert _codes(outcome) == [(42, "bad_date")]
    assert CaseReview.objects.count() == 1
