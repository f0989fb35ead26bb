"""Committee members see a cycle once it has reached the committee: the workspace, the dossier and
its downloads, and the evidence revisions frozen in that dossier; nothing of a draft, nor files
outside the dossier (404, existence not revealed)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from iasios.applications import services
from iasios.applications.access import cycles_visible_to
from iasios.applications.models import Cycle, CycleStatus, Dossier
from iasios.assessment import selectors as assessment_selectors
from iasios.cycles import services as cycle_services
from tests.applications import conftest as files
from tests.applications.helpers import submitted_cycle
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

MEMBERS = {"representative", "contact", "contributor", "read_only"}
OFFICE = {"office", "administrator"}


def _expected(who: str, *, committee: int) -> int:
    if who == "anonymous":
        return 302
    if who in MEMBERS | OFFICE:
        return 200
    if who == "committee":
        return committee
    return 404


def _with_committee(cycle: Cycle, enrolled: Any, monkeypatch: Any) -> Cycle:
    submitted_cycle(cycle, enrolled)
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: True)
    cycle_services.cycle_start_assessment(cycle=cycle, actor=enrolled.office)
    cycle_services.cycle_send_to_committee(cycle=cycle, actor=enrolled.office)
    cycle.refresh_from_db()
    return cycle


def _dossier_revision_id(cycle: Cycle) -> str:
    dossier = Dossier.objects.get(cycle=cycle)
    return str(dossier.snapshot["evidence_revisions"][0]["id"])


@pytest.mark.parametrize("state", [CycleStatus.WITH_COMMITTEE, CycleStatus.DECIDED])
@pytest.mark.parametrize("who", ROLES)
def test_committee_reads_a_cycle_it_has(enrolled: Any, cycle: Cycle, monkeypatch: Any, who: str, state: str) -> None:
    _with_committee(cycle, enrolled, monkeypatch)
    if state == CycleStatus.DECIDED:
        cycle_services.cycle_mark_decided(cycle=cycle)
    cycle.refresh_from_db()
    assert cycle.status == state
    # A document uploaded after the submission is not part of the dossier.
    later = services.evidence_document_create(
        facility=enrolled.facility,
        user=enrolled.contributor,
        data=services.DocumentInput(title="Later"),
        upload=files.upload("later.pdf", files.pdf_bytes()),
    )
    client = enrolled.client_for(who)
    for name in ("workspace", "dossier", "dossier_pdf", "dossier_zip"):
        url = reverse(f"applications:{name}", args=[cycle.pk])
        assert client.get(url).status_code == _expected(who, committee=200), (who, name)
    in_dossier = reverse("applications:revision_download", args=[_dossier_revision_id(cycle)])
    assert client.get(in_dossier).status_code == _expected(who, committee=200), who
    outside = reverse("applications:revision_download", args=[later.revisions.get().pk])
    assert client.get(outside).status_code == _expected(who, committee=404), who
    # The library itself stays the facility's and the office's.
    library = reverse("applications:library", args=[enrolled.facility.pk])
    assert client.get(library).status_code == _expected(who, committee=404), who


@pytest.mark.parametrize("who", ROLES)
def test_committee_gets_404_on_a_draft_of_another_facility(enrolled: Any, framework: Any, who: str) -> None:
    other = files.enrol(enrolled.other_facility)
    draft = cycle_services.cycle_start(facility=other, user=enrolled.outsider)
    client = enrolled.client_for(who)
    expected = {"anonymous": 302, "outsider": 200, "office": 200, "administrator": 200}.get(who, 404)
    assert client.get(reverse("applications:workspace", args=[draft.pk])).status_code == expected, who


def test_the_committee_list_scope_follows_the_same_rule(enrolled: Any, cycle: Cycle, monkeypatch: Any) -> None:
    assert not cycles_visible_to(enrolled.committee).exists()
    _with_committee(cycle, enrolled, monkeypatch)
    assert list(cycles_visible_to(enrolled.committee)) == [cycle]
    assert not cycles_visible_to(enrolled.assessor).exists()
