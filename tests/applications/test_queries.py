"""The workspace, a standard page and the evidence library cost the same number of queries at any size."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.applications import services
from iasios.applications.models import Answer, Claim, Cycle
from tests.applications import conftest as files

pytestmark = pytest.mark.django_db


def _grow(cycle: Cycle, user: Any, documents: int) -> None:
    answers = list(
        Answer.objects.filter(cycle=cycle, requirement__standard__number=1).select_related("cycle__facility")
    )
    for n in range(documents):
        document = services.evidence_document_create(
            facility=cycle.facility,
            user=user,
            data=services.DocumentInput(title=f"Document {n}"),
            upload=files.upload(f"d{n}.pdf", files.pdf_bytes() + str(n).encode()),
        )
        answer = answers[n % len(answers)]
        services.evidence_link(answer=answer, document=document, user=user)
        services.comment_add(answer=answer, user=user, body=f"Comment {n}")
        answer.refresh_from_db()
        services.answer_save(
            answer=answer,
            user=user,
            base_revision=answer.revision,
            data=services.AnswerInput(claim=Claim.MET, na_reason="", narrative=f"N {n}", assignee_id=user.pk),
        )


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["workspace", "standard", "library"])
def test_query_count_does_not_grow(cycle: Cycle, enrolled: Any, page: str) -> None:
    client = enrolled.client_for("contributor")
    urls = {
        "workspace": reverse("applications:workspace", args=[cycle.pk]),
        "standard": reverse("applications:standard", args=[cycle.pk, 1]),
        "library": reverse("applications:library", args=[cycle.facility_id]),
    }
    _grow(cycle, enrolled.contributor, 2)
    small = _count(client, urls[page])
    _grow(cycle, enrolled.contributor, 12)
    large = _count(client, urls[page])
    assert large == small, f"{page}: {small} → {large} queries"
    assert small < 30, small
