"""Who may do what: every page, endpoint and download of the case review, per role.

Facility members see; contributors and up change; the office sees but never changes; other
facilities, assessors without an assignment and committee members get 404; anonymous people
are sent to log in (pages) or get 401 (API).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from iasios.api.services import token_create
from iasios.casereview import selectors
from iasios.casereview.models import CaseReview, ProcedureLog, SampledCase, SampleDraw
from tests.casereview.helpers import PERIOD_START, drawn, log_csv, make_cycle, upload
from tests.conftest import ROLES

MEMBERS = {"representative", "contact", "contributor", "read_only"}
EDITORS = {"representative", "contact", "contributor"}
OFFICE = {"office", "administrator"}
HIDDEN = {"outsider", "assessor", "committee"}


def read_status(role: str) -> int:
    if role == "anonymous":
        return 302
    return 200 if role in MEMBERS | OFFICE else 404


def edit_status(role: str, ok: int = 200) -> int:
    if role == "anonymous":
        return 302
    if role in EDITORS:
        return ok
    return 403 if role in MEMBERS | OFFICE else 404


@pytest.fixture
def drawn_cycle(cast, framework):
    cycle = make_cycle(cast.facility, framework)
    drawn(cycle, cast.contributor)
    return cycle


READ_PAGES = ["", "verify/", "cases/1/", "summary/", "summary.csv", "log/template.csv"]
EDIT_PAGES = ["log/", "cases/1/exclude/"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", READ_PAGES)
def test_read_pages_and_downloads(cast, drawn_cycle, role, page) -> None:
    response = cast.client_for(role).get(f"/case-review/cycle/{drawn_cycle.pk}/{page}")
    assert response.status_code == read_status(role)
    if response.status_code == 302:
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", EDIT_PAGES)
def test_edit_pages(cast, drawn_cycle, role, page) -> None:
    response = cast.client_for(role).get(f"/case-review/cycle/{drawn_cycle.pk}/{page}")
    assert response.status_code == edit_status(role)


@pytest.mark.parametrize("role", ROLES)
def test_upload_page_post(cast, framework, role) -> None:
    cycle = make_cycle(cast.facility, framework)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = cast.client_for(role).post(
        f"/case-review/cycle/{cycle.pk}/log/",
        {"period_start": PERIOD_START.isoformat(), "file": SimpleUploadedFile("log.csv", log_csv(40), "text/csv")},
    )
    assert response.status_code == edit_status(role, ok=302)
    assert ProcedureLog.objects.filter(cycle=cycle).exists() is (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_draw_post(cast, framework, role) -> None:
    cycle = make_cycle(cast.facility, framework)
    upload(cycle, cast.contributor)
    response = cast.client_for(role).post(f"/case-review/cycle/{cycle.pk}/draw/")
    assert response.status_code == edit_status(role, ok=302)
    assert SampleDraw.objects.filter(log__cycle=cycle).exists() is (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_review_post(cast, drawn_cycle, role) -> None:
    items = selectors.checklist(drawn_cycle)
    data = {f"answer-{item.code}": "yes" for item in items} | {"complication_grade": "0"}
    response = cast.client_for(role).post(f"/case-review/cycle/{drawn_cycle.pk}/cases/1/", data)
    assert response.status_code == edit_status(role, ok=302)
    assert CaseReview.objects.filter(complete=True).exists() is (role in EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_exclude_post(cast, drawn_cycle, role) -> None:
    response = cast.client_for(role).post(f"/case-review/cycle/{drawn_cycle.pk}/cases/2/exclude/", {"reason": "Lost"})
    assert response.status_code == edit_status(role, ok=302)
    assert SampledCase.objects.filter(position=31).exists() is (role in EDITORS)


def test_unknown_cycle_and_position_are_404(cast, drawn_cycle) -> None:
    client = cast.client_for("contributor")
    assert client.get("/case-review/cycle/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get(f"/case-review/cycle/{drawn_cycle.pk}/cases/99/").status_code == 404


def test_verify_is_404_before_the_draw(cast, framework) -> None:
    cycle = make_cycle(cast.facility, framework)
    assert cast.client_for("contributor").get(f"/case-review/cycle/{cycle.pk}/verify/").status_code == 404


# ---------------------------------------------------------------------------------------- API


def api_client(cast: Any, role: str) -> tuple[Client, dict[str, str]]:
    if role == "anonymous":
        return Client(), {}
    _token, raw = token_create(user=getattr(cast, role), name="test")
    return Client(), {"Authorization": f"Bearer {raw}"}


def api_read_status(role: str) -> int:
    if role == "anonymous":
        return 401
    return 200 if role in MEMBERS | OFFICE else 404


def api_write_status(role: str, ok: int) -> int:
    if role == "anonymous":
        return 401
    if role in EDITORS:
        return ok
    return 403 if role in MEMBERS | OFFICE else 404


API_READS = ["", "/log/template", "/log/errors", "/verify", "/cases/1/review", "/summary"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", API_READS)
def test_api_reads(cast, drawn_cycle, role, path) -> None:
    client, headers = api_client(cast, role)
    response = client.get(f"/api/v1/case-review/cycles/{drawn_cycle.pk}{path}", headers=headers)
    assert response.status_code == api_read_status(role)


@pytest.mark.parametrize("role", ROLES)
def test_api_upload(cast, framework, role) -> None:
    cycle = make_cycle(cast.facility, framework)
    client, headers = api_client(cast, role)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        f"/api/v1/case-review/cycles/{cycle.pk}/log",
        {"period_start": PERIOD_START.isoformat(), "file": SimpleUploadedFile("log.csv", log_csv(40), "text/csv")},
        headers=headers,
    )
    assert response.status_code == api_write_status(role, 201)


@pytest.mark.parametrize("role", ROLES)
def test_api_draw(cast, framework, role) -> None:
    cycle = make_cycle(cast.facility, framework)
    upload(cycle, cast.contributor)
    client, headers = api_client(cast, role)
    response = client.post(f"/api/v1/case-review/cycles/{cycle.pk}/draw", headers=headers)
    assert response.status_code == api_write_status(role, 201)


@pytest.mark.parametrize("role", ROLES)
def test_api_exclude(cast, drawn_cycle, role) -> None:
    client, headers = api_client(cast, role)
    response = client.post(
        f"/api/v1/case-review/cycles/{drawn_cycle.pk}/cases/1/exclude",
        {"reason": "Lost"},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == api_write_status(role, 201)


@pytest.mark.parametrize("role", ROLES)
def test_api_review(cast, drawn_cycle, role) -> None:
    items = selectors.checklist(drawn_cycle)
    client, headers = api_client(cast, role)
    response = client.put(
        f"/api/v1/case-review/cycles/{drawn_cycle.pk}/cases/1/review",
        {"answers": [{"item": i.code, "answer": "yes"} for i in items], "complication_grade": 0},
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == api_write_status(role, 200)
