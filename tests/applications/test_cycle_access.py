"""Who gets what on the pages and endpoints that move a cycle along (exact status codes), and their
query counts with carried-over data at two sizes."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.api.services import token_create
from iasios.applications import services
from iasios.applications.models import Answer, Cycle, CycleAim, CycleKind, CycleStatus
from iasios.assessment import selectors as assessment_selectors
from iasios.cycles import services as cycle_services
from iasios.decisions import selectors as decision_selectors
from tests.applications import conftest as files
from tests.applications.helpers import decided_cycle, submitted_cycle
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

MEMBERS = {"representative", "contact", "contributor", "read_only"}
EDITORS = {"representative", "contact", "contributor"}
OFFICE = {"office", "administrator"}


def _visible(who: str, ok: int, *, members: int | None = None, office: int | None = None, api: bool = False) -> int:
    if who == "anonymous":
        return 401 if api else 302
    if who in MEMBERS:
        return members if members is not None else ok
    if who in OFFICE:
        return office if office is not None else ok
    return 404


def _api(cast: Any, who: str) -> Client:
    if who == "anonymous":
        return Client()
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=getattr(cast, who), name='t')[1]}")


@pytest.fixture
def submitted(cycle: Cycle, enrolled: Any) -> Cycle:
    submitted_cycle(cycle, enrolled)
    return cycle


@pytest.mark.parametrize("who", ROLES)
def test_office_hand_over_pages(submitted: Cycle, enrolled: Any, who: str) -> None:
    client = enrolled.client_for(who)
    url = reverse("applications:return", args=[submitted.pk])
    assert client.get(url).status_code == _visible(who, 200, members=403)
    response = client.post(url, {"reason": "Missing rota."})
    assert response.status_code == _visible(who, 302, members=403)
    submitted.refresh_from_db()
    assert submitted.status == (CycleStatus.RETURNED if who in OFFICE else CycleStatus.SUBMITTED)


@pytest.mark.parametrize("who", ROLES)
def test_start_assessment_page(submitted: Cycle, enrolled: Any, who: str) -> None:
    response = enrolled.client_for(who).post(reverse("applications:start_assessment", args=[submitted.pk]))
    assert response.status_code == _visible(who, 302, members=403)
    submitted.refresh_from_db()
    assert submitted.status == (CycleStatus.IN_ASSESSMENT if who in OFFICE else CycleStatus.SUBMITTED)


def test_return_needs_a_reason_on_the_page(submitted: Cycle, enrolled: Any) -> None:
    response = enrolled.client_for("office").post(reverse("applications:return", args=[submitted.pk]), {"reason": ""})
    assert response.status_code == 400
    submitted.refresh_from_db()
    assert submitted.status == CycleStatus.SUBMITTED


@pytest.mark.parametrize("who", ROLES)
def test_send_to_committee_page(submitted: Cycle, enrolled: Any, monkeypatch: Any, who: str) -> None:
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: True)
    cycle_services.cycle_start_assessment(cycle=submitted, actor=enrolled.office)
    response = enrolled.client_for(who).post(reverse("applications:send_to_committee", args=[submitted.pk]))
    assert response.status_code == _visible(who, 302, members=403)
    submitted.refresh_from_db()
    assert submitted.status == (CycleStatus.WITH_COMMITTEE if who in OFFICE else CycleStatus.IN_ASSESSMENT)


@pytest.mark.parametrize("who", ROLES)
def test_office_hand_overs_through_the_api(submitted: Cycle, enrolled: Any, monkeypatch: Any, who: str) -> None:
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: True)
    api = _api(enrolled, who)
    base = f"/api/v1/applications/cycles/{submitted.pk}"
    expected = _visible(who, 200, members=403, api=True)
    ret = api.post(f"{base}/return", {"reason": "Missing rota."}, content_type="application/json")
    assert ret.status_code == expected
    if who in OFFICE:
        assert ret.json()["status"] == "returned"
        assert api.post(f"{base}/start-assessment").status_code == 409
        cycle_services.cycle_submit(
            cycle=submitted, user=enrolled.representative, declaration_accepted=True, password=_pw()
        )
        assert api.post(f"{base}/start-assessment").json()["status"] == "in_assessment"
        assert api.post(f"{base}/send-to-committee").json()["status"] == "with_committee"
        missing = api.post(f"{base}/return", {"reason": " "}, content_type="application/json")
        assert missing.status_code == 409
    else:
        assert api.post(f"{base}/start-assessment").status_code == expected
        submitted.refresh_from_db()
        assert submitted.status == CycleStatus.SUBMITTED


def _pw() -> str:
    from tests import factories

    return factories.PASSWORD


@pytest.mark.parametrize("who", ROLES)
def test_dossier_revision_and_changes_pages(submitted: Cycle, enrolled: Any, who: str) -> None:
    cycle_services.cycle_return(cycle=submitted, actor=enrolled.office, reason="Fix 1a.")
    cycle_services.cycle_submit(
        cycle=submitted, user=enrolled.representative, declaration_accepted=True, password=_pw()
    )
    client = enrolled.client_for(who)
    for url in (
        reverse("applications:dossier_revision", args=[submitted.pk, 1]),
        reverse("applications:dossier_revision", args=[submitted.pk, 2]),
        reverse("applications:changes", args=[submitted.pk]),
        reverse("applications:changes", args=[submitted.pk]) + "?from=0&to=1",
    ):
        assert client.get(url).status_code == _visible(who, 200), url
    assert client.get(reverse("applications:dossier_revision", args=[submitted.pk, 3])).status_code == _visible(
        who, 404
    )
    api = _api(enrolled, who)
    for path in ("dossiers", "dossiers/1", "changes", "changes?from=1&to=2"):
        response = api.get(f"/api/v1/applications/cycles/{submitted.pk}/{path}")
        assert response.status_code == _visible(who, 200, api=True), path
    assert api.get(f"/api/v1/applications/cycles/{submitted.pk}/changes?from=2&to=1").status_code == _visible(
        who, 404, api=True
    )


@pytest.fixture
def recert_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decision_selectors, "recertification_open", lambda facility, today: True)
    monkeypatch.setattr(decision_selectors, "full_term_completed", lambda facility: False)


@pytest.mark.parametrize("who", ROLES)
def test_recertification_start_page_and_api(
    cycle: Cycle, enrolled: Any, monkeypatch: Any, recert_window: None, who: str
) -> None:
    decided_cycle(cycle, enrolled, monkeypatch)
    url = reverse("applications:recertify", args=[cycle.facility_id])
    client = enrolled.client_for(who)
    # Editors may start; the read-only member and the office see the facility but may not (403).
    expected_get = _visible(who, 200, members=200 if who in EDITORS else 403, office=403)
    assert client.get(url).status_code == expected_get
    api = _api(enrolled, who)
    api_url = f"/api/v1/applications/facilities/{cycle.facility_id}/recertification"
    response = api.post(api_url, {"aim": CycleAim.ACCREDITED}, content_type="application/json")
    assert response.status_code == _visible(who, 201 if who in EDITORS else 403, office=403, api=True)
    started = Cycle.objects.filter(kind=CycleKind.RECERTIFICATION).exists()
    assert started == (who in EDITORS)


@pytest.mark.parametrize("who", ROLES)
def test_confirm_page_and_api(cycle: Cycle, enrolled: Any, monkeypatch: Any, recert_window: None, who: str) -> None:
    decided_cycle(cycle, enrolled, monkeypatch)
    recert = cycle_services.cycle_start_recertification(
        facility=cycle.facility, user=enrolled.contributor, aim=CycleAim.ACCREDITED
    )
    first, second = list(Answer.objects.filter(cycle=recert).order_by("requirement__position")[:2])
    page = enrolled.client_for(who).post(reverse("applications:answer_confirm", args=[recert.pk, first.pk]))
    assert page.status_code == _visible(who, 302 if who in EDITORS else 403, office=403)
    response = _api(enrolled, who).post(f"/api/v1/applications/cycles/{recert.pk}/answers/{second.pk}/confirm")
    assert response.status_code == _visible(who, 200 if who in EDITORS else 403, office=403, api=True)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.carried_over == second.carried_over == (who not in EDITORS)


# ----------------------------------------------------------------------------- query counts


def _grow_documents(cycle: Cycle, user: Any, n: int, start: int) -> None:
    answers = list(
        Answer.objects.filter(cycle=cycle, requirement__standard__number=1).select_related("cycle__facility")
    )
    for i in range(start, start + n):
        document = services.evidence_document_create(
            facility=cycle.facility,
            user=user,
            data=services.DocumentInput(title=f"Doc {i}"),
            upload=files.upload(f"d{i}.pdf", files.pdf_bytes() + str(i).encode()),
        )
        services.evidence_link(answer=answers[i % len(answers)], document=document, user=user)


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["workspace", "standard", "changes"])
def test_query_counts_with_carried_over_data(
    cycle: Cycle, enrolled: Any, monkeypatch: Any, recert_window: None, page: str
) -> None:
    """A re-certification's pages cost the same with 2 or 14 carried-over evidence links on standard 1."""
    from tests.applications.helpers import fill_core

    fill_core(cycle, enrolled.contributor)
    _grow_documents(cycle, enrolled.contributor, 2, 0)

    def recertify() -> Cycle:
        previous = Cycle.objects.filter(facility=cycle.facility).order_by("-created_at").first()
        assert previous is not None
        cycle_services.cycle_submit(
            cycle=previous, user=enrolled.representative, declaration_accepted=True, password=_pw()
        )
        monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: True)
        cycle_services.cycle_start_assessment(cycle=previous, actor=enrolled.office)
        cycle_services.cycle_send_to_committee(cycle=previous, actor=enrolled.office)
        cycle_services.cycle_mark_decided(cycle=previous)
        return cycle_services.cycle_start_recertification(
            facility=cycle.facility, user=enrolled.contributor, aim=CycleAim.ACCREDITED
        )

    def url(c: Cycle) -> str:
        return {
            "workspace": reverse("applications:workspace", args=[c.pk]),
            "standard": reverse("applications:standard", args=[c.pk, 1]),
            "changes": reverse("applications:changes", args=[c.pk]) + "?against=previous",
        }[page]

    client = enrolled.client_for("contributor")
    small_cycle = recertify()
    small = _count(client, url(small_cycle))
    # A second round, with more documents carried over.
    _grow_documents(small_cycle, enrolled.contributor, 12, 100)
    Answer.objects.filter(cycle=small_cycle, carried_over=True, requirement__core=True).update(carried_over=False)
    large_cycle = recertify()
    assert Answer.objects.filter(cycle=large_cycle, carried_over=True).exists()
    large = _count(client, url(large_cycle))
    assert large == small, f"{page}: {small} → {large} queries"
    assert small < 40, small
