"""Writes refused once the cycle is submitted (services, pages, API); API shapes; query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from iasios.api.services import token_create
from iasios.applications.models import Cycle
from iasios.casereview import selectors, services
from iasios.casereview.models import ProcedureLog, SampledCase
from tests.casereview.helpers import PERIOD_START, answer_all, drawn, log_csv, make_cycle, upload


@pytest.fixture
def drawn_cycle(cast, framework):
    cycle = make_cycle(cast.facility, framework)
    drawn(cycle, cast.contributor)
    return cycle


def _submit(cycle: Cycle) -> Cycle:
    Cycle.objects.filter(pk=cycle.pk).update(status="submitted")
    cycle.refresh_from_db()
    return cycle


def test_services_refuse_every_write_after_submission(cast, drawn_cycle) -> None:
    items = selectors.checklist(drawn_cycle)
    draw = selectors.log_draw(selectors.procedure_log(drawn_cycle))
    first = SampledCase.objects.get(draw=draw, position=1)
    _submit(drawn_cycle)
    with pytest.raises(services.CaseReviewConflict):
        upload(drawn_cycle, cast.contributor, log_csv(45))
    with pytest.raises(services.CaseReviewConflict):
        services.sample_draw(cycle=drawn_cycle, user=cast.contributor)
    with pytest.raises(services.CaseReviewConflict):
        services.sampled_case_exclude(sampled_case=first, user=cast.contributor, reason="Lost")
    with pytest.raises(services.CaseReviewConflict):
        answer_all(first, cast.contributor, items)
    assert ProcedureLog.objects.get(cycle=drawn_cycle).row_count == 60
    assert not SampledCase.objects.filter(draw=draw, excluded_at__isnull=False).exists()


def test_services_refuse_people_who_may_not_edit(cast, drawn_cycle) -> None:
    draw = selectors.log_draw(selectors.procedure_log(drawn_cycle))
    first = SampledCase.objects.get(draw=draw, position=1)
    for user in (cast.read_only, cast.office, cast.outsider, cast.assessor):
        with pytest.raises(PermissionDenied):
            services.sampled_case_exclude(sampled_case=first, user=user, reason="Lost")
        with pytest.raises(PermissionDenied):
            answer_all(first, user, selectors.checklist(drawn_cycle))


def test_pages_refuse_writes_after_submission_but_still_show(cast, drawn_cycle) -> None:
    _submit(drawn_cycle)
    client = cast.client_for("representative")
    base = f"/case-review/cycle/{drawn_cycle.pk}/"
    assert client.get(base).status_code == 200
    assert client.get(base + "cases/1/").status_code == 200
    assert client.get(base + "log/").status_code == 403
    assert client.post(base + "cases/1/", {"answer-consent": "yes"}).status_code == 403
    assert client.post(base + "cases/1/exclude/", {"reason": "x"}).status_code == 403
    assert client.post(base + "draw/").status_code == 403
    page = client.get(base).content.decode()
    assert "Replace the log" not in page


def _api(cast: Any, role: str = "contributor") -> dict[str, str]:
    _token, raw = token_create(user=getattr(cast, role), name="t")
    return {"Authorization": f"Bearer {raw}"}


def test_api_writes_answer_409_after_submission(cast, drawn_cycle, client) -> None:
    _submit(drawn_cycle)
    headers = _api(cast)
    base = f"/api/v1/case-review/cycles/{drawn_cycle.pk}"
    assert client.post(base + "/draw", headers=headers).status_code == 409
    response = client.post(base + "/cases/1/exclude", {"reason": "x"}, content_type="application/json", headers=headers)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_allowed"
    response = client.put(base + "/cases/1/review", {"answers": []}, content_type="application/json", headers=headers)
    assert response.status_code == 409


def test_api_refused_upload_lists_every_row_and_the_report_stays_readable(cast, framework, client) -> None:
    cycle = make_cycle(cast.facility, framework)
    headers = _api(cast)
    data = log_csv(40, extra=["ICR-9001,2025-02-30,ablation", "Jane Doe,2025-03-01,biopsy"])
    response = client.post(
        f"/api/v1/case-review/cycles/{cycle.pk}/log",
        {"period_start": PERIOD_START.isoformat(), "file": SimpleUploadedFile("log.csv", data, "text/csv")},
        headers=headers,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["code"] == "log_refused"
    assert [(e["row"], e["code"]) for e in body["errors"]] == [
        (42, "bad_date"),
        (43, "reference_name"),
        (43, "unknown_category"),
    ]
    report = client.get(f"/api/v1/case-review/cycles/{cycle.pk}/log/errors", headers=headers).json()
    assert report["accepted"] is False and report["errors"] == body["errors"]
    assert not ProcedureLog.objects.filter(cycle=cycle).exists()


def test_api_full_round(cast, framework, client) -> None:
    cycle = make_cycle(cast.facility, framework)
    headers = _api(cast)
    base = f"/api/v1/case-review/cycles/{cycle.pk}"
    response = client.post(
        base + "/log",
        {"period_start": PERIOD_START.isoformat(), "file": SimpleUploadedFile("log.csv", log_csv(40), "text/csv")},
        headers=headers,
    )
    assert response.status_code == 201 and response.json()["row_count"] == 40
    draw = client.post(base + "/draw", headers=headers).json()
    assert draw["algorithm"] == "icr-hmac-sha256-rank-v1" and len(draw["seed"]) == 32
    assert client.post(base + "/draw", headers=headers).status_code == 409
    verification = client.get(base + "/verify", headers=headers).json()
    assert verification["matches"] and len(verification["expected"]) == 30
    replacement = client.post(
        base + "/cases/3/exclude", {"reason": "Lost"}, content_type="application/json", headers=headers
    ).json()
    assert replacement["position"] == 31 and replacement["replaces_position"] == 3
    items = selectors.checklist(cycle)
    saved = client.put(
        base + "/cases/1/review",
        {"answers": [{"item": i.code, "answer": "yes", "note": ""} for i in items], "complication_grade": 1},
        content_type="application/json",
        headers=headers,
    ).json()
    assert saved["complete"] and saved["complication_grade"] == 1 and len(saved["answers"]) == len(items)
    bad = client.put(
        base + "/cases/1/review",
        {"answers": [{"item": "nope", "answer": "yes"}]},
        content_type="application/json",
        headers=headers,
    )
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "nope"
    summary = client.get(base + "/summary", headers=headers).json()
    assert summary["reviewed"] == 1 and summary["items"][0]["compliance_percent"] == 100.0
    detail = client.get(base, headers=headers).json()
    assert detail["reviewed"] == 1 and len(detail["sampled_cases"]) == 31
    assert detail["sampled_cases"][2]["excluded"] is True
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/case-review/cycles/{cycle_id}/log" in schema["paths"]


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["", "summary/", "summary.csv"])
def test_query_count_does_not_grow_with_the_data(cast, framework, page) -> None:
    small = make_cycle(cast.facility, framework)
    draw = drawn(small, cast.contributor, n=40)
    items = selectors.checklist(small)
    answer_all(selectors.sampled_cases(draw)[0], cast.contributor, items)

    big = make_cycle(cast.other_facility, framework)
    big_draw = drawn(big, cast.outsider, n=400)
    for sc in selectors.sampled_cases(big_draw):
        answer_all(sc, cast.outsider, items, notes={"consent": "ok"})
    for position in (2, 5, 9):
        services.sampled_case_exclude(
            sampled_case=SampledCase.objects.get(draw=big_draw, position=position), user=cast.outsider, reason="x"
        )

    small_count = _queries(cast.client_for("contributor"), f"/case-review/cycle/{small.pk}/{page}")
    big_count = _queries(cast.client_for("outsider"), f"/case-review/cycle/{big.pk}/{page}")
    assert small_count == big_count, (small_count, big_count)
    assert small_count < 40


def _put_in(cycle: Cycle, state: str) -> Cycle:
    Cycle.objects.filter(pk=cycle.pk).update(status=state)
    cycle.refresh_from_db()
    return cycle


def test_a_returned_cycle_reopens_its_case_review(cast, drawn_cycle) -> None:
    """The office returned the application: the whole of it is the facility's again, case review included."""
    items = selectors.checklist(drawn_cycle)
    draw = selectors.log_draw(selectors.procedure_log(drawn_cycle))
    first = SampledCase.objects.get(draw=draw, position=1)
    _put_in(drawn_cycle, "returned")
    assert answer_all(first, cast.contributor, items).complete
    services.sampled_case_exclude(sampled_case=first, user=cast.contributor, reason="File lost in the archive move")
    assert SampledCase.objects.filter(draw=draw, excluded_at__isnull=False).count() == 1
    with pytest.raises(PermissionDenied):
        services.sampled_case_exclude(
            sampled_case=SampledCase.objects.get(draw=draw, position=2), user=cast.read_only, reason="Lost"
        )
    client = cast.client_for("contributor")
    base = f"/case-review/cycle/{drawn_cycle.pk}/"
    page = client.get(base + "cases/2/").content.decode()
    assert 'method="post" class="icr-review"' in page and "Save and go to the next case" in page
    response = client.post(
        base + "cases/2/", {f"answer-{item.code}": "yes" for item in items} | {"complication_grade": "0"}
    )
    assert response.status_code == 302
    assert SampledCase.objects.get(draw=draw, position=2).review.answers.count() == len(items)


def test_an_amending_cycle_keeps_its_case_review_as_submitted(cast, drawn_cycle) -> None:
    """An amendment round reopens requirements' answers only; the case review is not one of them."""
    items = selectors.checklist(drawn_cycle)
    draw = selectors.log_draw(selectors.procedure_log(drawn_cycle))
    first = SampledCase.objects.get(draw=draw, position=1)
    _put_in(drawn_cycle, "amending")
    with pytest.raises(services.CaseReviewConflict, match="amendment round"):
        answer_all(first, cast.contributor, items)
    with pytest.raises(services.CaseReviewConflict):
        services.sampled_case_exclude(sampled_case=first, user=cast.contributor, reason="Lost")
    with pytest.raises(services.CaseReviewConflict):
        services.sample_draw(cycle=drawn_cycle, user=cast.contributor)
    assert not SampledCase.objects.filter(draw=draw, excluded_at__isnull=False).exists()
    assert not first.__class__.objects.filter(pk=first.pk, review__isnull=False).exists()
    client = cast.client_for("contributor")
    base = f"/case-review/cycle/{drawn_cycle.pk}/"
    overview = client.get(base).content.decode()
    assert "Replace the log" not in overview
    page = client.get(base + "cases/1/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'method="post" class="icr-review"' not in html and "Save and go to the next case" not in html
    assert "Exclude this case" not in html
    assert client.post(base + "cases/1/", {"answer-consent": "yes"}).status_code == 403
    assert client.post(base + "cases/1/exclude/", {"reason": "x"}).status_code == 403
    assert client.post(base + "draw/").status_code == 403
