"""The evidence library read as plain rows: the page and the API show every document with its
revisions and the requirements it supports, at a query count that does not grow; a download is
read in large blocks."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.applications import services
from iasios.applications.models import Answer, Cycle, EvidenceRevision
from iasios.applications.views_evidence import DOWNLOAD_BLOCK_SIZE
from tests.applications import conftest as files
from tests.applications.test_api import api

pytestmark = pytest.mark.django_db


def _documents(cycle: Cycle, user: Any, n: int, start: int = 0) -> None:
    answers = list(Answer.objects.filter(cycle=cycle).select_related("requirement__standard").order_by("pk")[:3])
    for i in range(start, start + n):
        document = services.evidence_document_create(
            facility=cycle.facility,
            user=user,
            data=services.DocumentInput(title=f"Document {i:02d}"),
            upload=files.upload(f"d{i}.pdf", files.pdf_bytes() + str(i).encode()),
        )
        services.evidence_revision_add(
            document=document,
            user=user,
            upload=files.upload(f"d{i}-v2.pdf", files.pdf_bytes() + b"v2" + str(i).encode()),
        )
        for answer in answers[: 1 + i % 3]:
            services.evidence_link(answer=answer, document=document, user=user)


def test_the_page_shows_the_latest_file_and_every_supported_requirement(cycle: Cycle, enrolled: Any) -> None:
    _documents(cycle, enrolled.contributor, 3)
    answers = list(Answer.objects.filter(cycle=cycle).select_related("requirement__standard").order_by("pk")[:3])
    page = enrolled.client_for("contributor").get(reverse("applications:library", args=[cycle.facility_id]))
    html = page.content.decode()
    latest = EvidenceRevision.objects.get(document__title="Document 02", number=2)
    assert f'href="/applications/evidence/file/{latest.pk}/"' in html and "d2-v2.pdf" in html
    assert "d2.pdf<" not in html  # only the latest revision is listed
    row = html[html.index("Document 02") :].split("</tr>")[0]
    assert [a.requirement.reference in row for a in answers] == [True, True, True]
    document = latest.document
    assert f'href="/applications/facility/{cycle.facility_id}/evidence/{document.pk}/"' in html


def _count(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_api_lists_every_revision_at_a_constant_query_count(cycle: Cycle, enrolled: Any) -> None:
    client = api(enrolled.contributor)
    url = f"/api/v1/applications/facilities/{cycle.facility_id}/evidence"
    _documents(cycle, enrolled.contributor, 2)
    client.get(url)  # the token's first use of the day is recorded once
    small = _count(client, url)
    _documents(cycle, enrolled.contributor, 10, start=2)
    assert _count(client, url) == small
    listed = {d["title"]: d for d in client.get(url).json()}
    assert len(listed) == 12
    revisions = listed["Document 05"]["revisions"]
    assert [r["number"] for r in revisions] == [2, 1]
    assert revisions[0]["file_name"] == "d5-v2.pdf"
    assert revisions[0]["download_url"] == f"/applications/evidence/file/{revisions[0]['id']}/"


def test_a_download_is_read_in_large_blocks(cycle: Cycle, enrolled: Any) -> None:
    content = files.pdf_bytes() + b"0" * (2 * DOWNLOAD_BLOCK_SIZE)
    document = services.evidence_document_create(
        facility=cycle.facility,
        user=enrolled.contributor,
        data=services.DocumentInput(title="Scan"),
        upload=files.upload("scan.pdf", content),
    )
    revision = document.revisions.get()
    response = enrolled.client_for("contributor").get(f"/applications/evidence/file/{revision.pk}/")
    chunks = list(response.streaming_content)
    assert b"".join(chunks) == content
    assert len(chunks[0]) == DOWNLOAD_BLOCK_SIZE and len(chunks) == 3
