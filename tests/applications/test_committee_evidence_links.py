"""The committee opens every link of the dossier and the standard pages of a cycle before it.

The evidence it judges is the one frozen in the dossier: the links point at those revisions
(not at the library, which stays the facility's), open read-only, and stay 404 for a cycle the
committee does not have and for other facilities' members.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from iasios.applications import services
from iasios.applications.models import Answer, Cycle, Dossier, EvidenceDocument
from iasios.assessment import selectors as assessment_selectors
from iasios.cycles import services as cycle_services
from tests.applications import conftest as files
from tests.applications.helpers import fill_core, submitted_cycle

pytestmark = pytest.mark.django_db

HREF = re.compile(r'href="(/applications/[^"]*)"')


def _links(html: str) -> set[str]:
    return {href.replace("&amp;", "&") for href in HREF.findall(html)}


def _standard_with_evidence(cycle: Cycle) -> int:
    answer = Answer.objects.filter(cycle=cycle, links__isnull=False).select_related("requirement__standard").first()
    assert answer is not None
    return answer.requirement.standard.number


def _with_committee(cycle: Cycle, enrolled: Any, monkeypatch: Any) -> Cycle:
    submitted_cycle(cycle, enrolled)
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: True)
    cycle_services.cycle_start_assessment(cycle=cycle, actor=enrolled.office)
    cycle_services.cycle_send_to_committee(cycle=cycle, actor=enrolled.office)
    cycle.refresh_from_db()
    return cycle


def _pages(cycle: Cycle) -> list[str]:
    return [
        reverse("applications:dossier", args=[cycle.pk]),
        reverse("applications:standard", args=[cycle.pk, _standard_with_evidence(cycle)]),
    ]


def test_committee_opens_every_link_of_the_dossier_and_a_standard_page(
    enrolled: Any, cycle: Cycle, monkeypatch: Any
) -> None:
    _with_committee(cycle, enrolled, monkeypatch)
    # The facility replaces a file after submitting: the committee judges the frozen one.
    policy = EvidenceDocument.objects.get(facility=enrolled.facility, title="Service policy")
    services.evidence_revision_add(
        document=policy, user=enrolled.contributor, upload=files.upload("policy.pdf", files.pdf_bytes() + b"% v2\n")
    )
    frozen = {entry["id"] for entry in Dossier.objects.get(cycle=cycle).snapshot["evidence_revisions"]}
    client = enrolled.client_for("committee")
    seen_downloads: set[str] = set()
    for page in _pages(cycle):
        response = client.get(page)
        assert response.status_code == 200, page
        links = _links(response.content.decode())
        downloads = {link for link in links if "/evidence/file/" in link}
        assert downloads, f"no evidence link on {page}"
        seen_downloads |= downloads
        for link in links:
            assert client.get(link).status_code == 200, (page, link)
    # The links are the frozen revisions, every one of them on the dossier page.
    assert {link.rstrip("/").rsplit("/", 1)[-1] for link in seen_downloads} == frozen


def test_committee_gets_404_on_a_draft_cycle(enrolled: Any, cycle: Cycle) -> None:
    documents = fill_core(cycle, enrolled.contributor)
    client = enrolled.client_for("committee")
    standard = reverse("applications:standard", args=[cycle.pk, _standard_with_evidence(cycle)])
    assert client.get(standard).status_code == 404
    assert client.get(reverse("applications:dossier", args=[cycle.pk])).status_code == 404
    revision = documents[0].revisions.get()
    assert client.get(reverse("applications:revision_download", args=[revision.pk])).status_code == 404


def test_an_unrelated_facility_member_gets_404_on_every_link(enrolled: Any, cycle: Cycle, monkeypatch: Any) -> None:
    _with_committee(cycle, enrolled, monkeypatch)
    links: set[str] = set()
    committee = enrolled.client_for("committee")
    for page in _pages(cycle):
        links |= {page} | _links(committee.get(page).content.decode())
    outsider = enrolled.client_for("outsider")
    for link in links:
        if link.startswith(reverse("applications:index")) and link != reverse("applications:index"):
            assert outsider.get(link).status_code == 404, link
