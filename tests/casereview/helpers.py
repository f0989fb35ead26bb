"""Builders for the case review tests: a cycle, a clean log, a drawn sample, reviews."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from iasios.applications.models import Cycle
from iasios.casereview import services
from iasios.casereview.models import SampledCase, SampleDraw
from iasios.facilities.models import Facility

PERIOD_START = date(2025, 1, 1)
TODAY = date(2026, 6, 1)
CATEGORIES = ["ablation", "radioembolisation", "chemoembolisation"]


def make_cycle(facility: Facility, framework: Any) -> Cycle:
    Facility.objects.filter(pk=facility.pk).update(status="enrolled")
    facility.refresh_from_db()
    return Cycle.objects.create(facility=facility, framework=framework)


def log_csv(
    n: int = 60, *, header: str = "case_reference,procedure_date,category", extra: list[str] | None = None
) -> bytes:
    lines = [header]
    for i in range(n):
        day = PERIOD_START + timedelta(days=i % 360)
        lines.append(f"ICR-{i + 1:04d},{day.isoformat()},{CATEGORIES[i % len(CATEGORIES)]}")
    lines.extend(extra or [])
    return ("\n".join(lines) + "\n").encode()


def upload(cycle: Cycle, user: Any, data: bytes | None = None, **kwargs: Any) -> services.UploadOutcome:
    return services.procedure_log_upload(
        cycle=cycle,
        user=user,
        data=log_csv() if data is None else data,
        file_name="log.csv",
        period_start=kwargs.pop("period_start", PERIOD_START),
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )


def drawn(cycle: Cycle, user: Any, n: int = 60) -> SampleDraw:
    outcome = upload(cycle, user, log_csv(n))
    assert outcome.accepted, outcome.errors
    return services.sample_draw(cycle=cycle, user=user)


def answer_all(
    sampled: SampledCase,
    user: Any,
    items: list[Any],
    answers: dict[str, str] | None = None,
    grade: int | None = 0,
    notes: dict[str, str] | None = None,
) -> Any:
    answers = answers or {}
    notes = notes or {}
    return services.case_review_save(
        sampled_case=sampled,
        user=user,
        answers={
            item.code: services.AnswerInput(answers.get(item.code, "yes"), notes.get(item.code, "")) for item in items
        },
        complication_grade=grade,
    )
