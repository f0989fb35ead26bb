"""Demo applications: a draft partly filled, one with a complete case review, one submitted.

Built through the applications and case review services, as the pages would.
"""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from iasios.applications import services as applications
from iasios.applications.models import Answer, Claim, Cycle, EvidenceDocument
from iasios.casereview import selectors as casereview_selectors
from iasios.casereview import services as casereview
from iasios.cycles import services as cycle_services
from iasios.facilities.models import Facility

NARRATIVES = [
    "Described in our **service policy** (section {n}); reviewed by the clinical lead every year.",
    "The rota and the on-call list show this; see the linked documents.",
    "Recorded in the departmental audit for the last 12 months; summary attached.",
]


def _text_file(name: str, body: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body.encode(), content_type="text/plain")


def _document(facility: Facility, user: Any, title: str, *, on_request: bool = False) -> EvidenceDocument:
    existing = EvidenceDocument.objects.filter(facility=facility, title=title).first()
    if existing is not None:
        return existing
    data = applications.DocumentInput(
        title=title,
        description=f"{title} of {facility.name}.",
        effective_on=timezone.localdate() - timedelta(days=200),
        available_on_request=on_request,
    )
    upload = None if on_request else _text_file(f"{title.lower().replace(' ', '-')}.txt", f"{title}\n\nDemo content.\n")
    return applications.evidence_document_create(facility=facility, user=user, data=data, upload=upload)


def _answer(answer: Answer, user: Any, claim: str, n: int) -> None:
    applications.answer_save(
        answer=answer,
        user=user,
        base_revision=answer.revision,
        data=applications.AnswerInput(
            claim=claim,
            na_reason="",
            narrative=NARRATIVES[n % len(NARRATIVES)].format(n=n + 1),
            assignee_id=None,
        ),
    )


def _fill(cycle: Cycle, user: Any, *, share: float) -> None:
    """Answer the first `share` of the requirements; core ones get linked evidence."""
    documents = [
        _document(cycle.facility, user, "IO service policy"),
        _document(cycle.facility, user, "Staff rota and credentials"),
        _document(cycle.facility, user, "Annual audit report", on_request=True),
    ]
    answers = list(cycle.answers.select_related("requirement").order_by("requirement__position"))
    for n, answer in enumerate(answers[: round(len(answers) * share)]):
        claim = Claim.MET if answer.requirement.core or n % 4 else Claim.PARTLY_MET
        _answer(answer, user, claim, n)
        applications.evidence_link(answer=answer, document=documents[n % len(documents)], user=user)


def _procedure_log(cycle: Cycle, start: date) -> bytes:
    codes = [code for code, _label in cycle.framework.settings.procedure_categories]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["case_reference", "procedure_date", "category"])
    for i in range(160):
        writer.writerow([f"IO-{start.year}-{i + 1:04d}", start + timedelta(days=(i * 2) % 360), codes[i % len(codes)]])
    return out.getvalue().encode()


def complete_case_review(cycle: Cycle, user: Any) -> None:
    if casereview_selectors.case_review_status(cycle).complete:
        return
    today = timezone.localdate()
    start = date(today.year - 1, today.month, 1) - timedelta(days=31)
    start = start.replace(day=1)
    if casereview_selectors.procedure_log(cycle) is None:
        casereview.procedure_log_upload(
            cycle=cycle, user=user, data=_procedure_log(cycle, start), file_name="procedure-log.csv", period_start=start
        )
    draw = casereview.sample_draw(cycle=cycle, user=user)
    items = casereview_selectors.checklist(cycle)
    for n, sampled in enumerate(casereview_selectors.sampled_cases(draw)):
        answers = {}
        for item in items:
            # A realistic mix: most items comply, a few do not, some do not apply.
            answer = "no" if (n + item.position) % 11 == 0 else ("na" if (n * 3 + item.position) % 17 == 0 else "yes")
            answers[item.code] = casereview.AnswerInput(answer=answer, note="")
        grading = next((i for i in items if i.records_grade), None)
        grade = (n % 3) if grading is not None and answers[grading.code].answer == "yes" else None
        casereview.case_review_save(sampled_case=sampled, user=user, answers=answers, complication_grade=grade)


def demo_cycle(facility: Facility, *, editor: Any, representative: Any, stage: str, password: str) -> Cycle:
    """A cycle at `stage`: "draft" (partly filled), "reviewed" (complete case review) or "submitted"."""
    cycle = Cycle.objects.filter(facility=facility).order_by("created_at").first()
    if cycle is not None:
        return cycle
    cycle = cycle_services.cycle_start(facility=facility, user=editor)
    if stage == "draft":
        _fill(cycle, editor, share=0.4)
        return cycle
    _fill(cycle, editor, share=1.0)
    complete_case_review(cycle, editor)
    if stage == "submitted":
        cycle_services.cycle_submit(cycle=cycle, user=representative, declaration_accepted=True, password=password)
    cycle.refresh_from_db()
    return cycle
