"""The assessor report: one assessor's review of a dossier as a PDF.

Per requirement the assessor's rating and comment, the facility's claim as frozen in the
dossier, the evidence requests asked (and whether they were answered) and the visit findings;
then the case review draw re-run from the stored log and seed. The same readers as the review
page (`reviews.review_for`) supply the rows, so the report and the page agree.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from iasios.applications.models import Claim
from iasios.assessment import reviews, selectors
from iasios.assessment.models import (
    Assignment,
    EvidenceRequest,
    EvidenceRequestMessage,
    EvidenceRequestStatus,
    Rating,
    Visit,
)
from iasios.core.pdf import html_to_pdf

ANSWERED_STATES = frozenset({EvidenceRequestStatus.ANSWERED, EvidenceRequestStatus.ACCEPTED})


@dataclass(frozen=True)
class RatingCount:
    rating: str
    label: str
    count: int


@dataclass
class AssessorReport:
    assignment: Assignment
    review: reviews.Review
    requests: list[EvidenceRequest]
    visit: Visit | None
    draw: Any  # casereview SampleDraw or None
    verification: Any  # casereview DrawVerification or None
    generated_at: datetime.datetime

    @property
    def cycle(self) -> Any:
        return self.assignment.cycle

    @property
    def facility(self) -> Any:
        return self.assignment.cycle.facility

    @property
    def requests_answered(self) -> int:
        return sum(1 for r in self.requests if r.status in ANSWERED_STATES)

    @property
    def rating_counts(self) -> list[RatingCount]:
        counts = Counter(row.rating.rating for row in self.review.rows if row.rating is not None)
        rows = [RatingCount(value, str(label), counts.get(value, 0)) for value, label in Rating.choices]
        unrated = sum(1 for row in self.review.rows if row.rating is None)
        return [*rows, RatingCount("", _("not rated"), unrated)] if unrated else rows


def _requests_of(assignment: Assignment) -> list[EvidenceRequest]:
    return list(
        EvidenceRequest.objects.filter(assignment=assignment)
        .select_related("requirement__standard")
        .prefetch_related(
            Prefetch(
                "messages",
                queryset=EvidenceRequestMessage.objects.select_related("author").order_by("created_at"),
            )
        )
        .order_by("requirement__position", "created_at")
    )


def assessor_report(assignment: Assignment, *, now: datetime.datetime | None = None) -> AssessorReport:
    """Everything the report shows, in a fixed number of queries (no other assessor's ratings)."""
    from iasios.casereview.selectors import log_draw, procedure_log, verify_draw

    review = reviews.review_for(assignment, others_visible=False)
    requests = _requests_of(assignment)
    # The review rows carry the requests without their messages: give them the full threads.
    by_requirement: dict[int, list[EvidenceRequest]] = {}
    for request in requests:
        by_requirement.setdefault(request.requirement_id, []).append(request)
    for row in review.rows:
        row.requests = by_requirement.get(row.requirement.pk, [])
    draw = log_draw(procedure_log(assignment.cycle))
    return AssessorReport(
        assignment=assignment,
        review=review,
        requests=requests,
        visit=selectors.visit_of(assignment.cycle),
        draw=draw,
        verification=verify_draw(draw) if draw is not None else None,
        generated_at=now or timezone.now(),
    )


def assessor_report_html(report: AssessorReport) -> str:
    from iasios.billing.pdf import issuer

    return render_to_string(
        "assessment/report_pdf.html",
        {"report": report, "issuer": issuer(), "claims": Claim.choices},
    )


def assessor_report_pdf(report: AssessorReport) -> bytes:
    return html_to_pdf(assessor_report_html(report))
