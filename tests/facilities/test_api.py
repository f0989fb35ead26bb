"""The facilities API: access per role, the same rules as the pages, the error shape."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from iasios.accounts.roles import FacilityRoleName
from iasios.api.services import token_create
from iasios.facilities.models import Facility, FacilityStatus, JoinRequest, Membership
from iasios.facilities.services import join_request_create
from tests import factories
from tests.conftest import ROLES
from tests.facilities.conftest import set_status

pytestmark = pytest.mark.usefixtures("framework")
BASE = "/api/v1/facilities"


def api(cast: Any, who: str) -> Client:
    if who == "anonymous":
        return Client()
    _token, raw = token_create(user=getattr(cast, who), name="test")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def assert_error_shape(response: Any, code: str) -> None:
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], list)


SEE = {
    **dict.fromkeys(["representative", "contact", "contributor", "read_only", "office", "administrator"], 200),
    **dict.fromkeys(["outsider", "assessor", "committee"], 404),
    "anonymous": 401,
}
CODE = {**SEE, "contributor": 403, "read_only": 403, "office": 403, "administrator": 403}
MANAGE = {**SEE, "contributor": 403, "read_only": 403}
OFFICE = {**SEE, "representative": 403, "contact": 403, "contributor": 403, "read_only": 403}


@pytest.mark.parametrize("who", ROLES)
def test_list_shows_only_visible_facilities(cast: Any, who: str) -> None:
    response = api(cast, who).get(f"{BASE}/")
    if who == "anonymous":
        assert response.status_code == 401
        assert_error_shape(response, "unauthenticated")
        return
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()}
    assert (str(cast.facility.pk) in ids) == (SEE[who] == 200)
    assert (str(cast.other_facility.pk) in ids) == (who in {"outsider", "office", "administrator"})


@pytest.mark.parametrize("who", ROLES)
def test_detail_and_members(cast: Any, who: str) -> None:
    client = api(cast, who)
    response = client.get(f"{BASE}/{cast.facility.pk}")
    assert response.status_code == SEE[who]
    if response.status_code == 200:
        code = response.json()["code"]
        assert (code == cast.facility.code) == (who in {"representative", "contact"})
        assert {v["category"] for v in response.json()["volumes"]} == set()
    else:
        assert_error_shape(response, {404: "not_found", 401: "unauthenticated"}[response.status_code])
    response = client.get(f"{BASE}/{cast.facility.pk}/members")
    assert response.status_code == SEE[who]
    if response.status_code == 200:
        assert {m["role"] for m in response.json()} == set(FacilityRoleName.values)


@pytest.mark.parametrize("who", ROLES)
def test_regenerate_code(cast: Any, who: str) -> None:
    response = api(cast, who).post(f"{BASE}/{cast.facility.pk}/code")
    assert response.status_code == CODE[who]
    if response.status_code == 200:
        assert response.json()["code"] == Facility.objects.get(pk=cast.facility.pk).code != cast.facility.code
    elif response.status_code == 403:
        assert_error_shape(response, "forbidden")


@pytest.mark.parametrize("who", ROLES)
def test_join_requests_list_approve_decline(cast: Any, who: str) -> None:
    client = api(cast, who)
    jr = join_request_create(user=factories.make_user(), code=cast.facility.code)
    response = client.get(f"{BASE}/{cast.facility.pk}/join-requests")
    assert response.status_code == MANAGE[who]
    response = client.post(
        f"{BASE}/{cast.facility.pk}/join-requests/{jr.pk}/approve",
        {"role": "read_only"},
        content_type="application/json",
    )
    assert response.status_code == MANAGE[who]
    if response.status_code == 200:
        assert response.json()["role"] == "read_only"
    jr2 = join_request_create(user=factories.make_user(), code=cast.facility.code)
    response = client.post(
        f"{BASE}/{cast.facility.pk}/join-requests/{jr2.pk}/decline", {"reason": "no"}, content_type="application/json"
    )
    assert response.status_code == MANAGE[who]
    if response.status_code == 200:
        assert response.json()["status"] == "declined"


@pytest.mark.parametrize("who", ROLES)
def test_office_confirm_and_reject(cast: Any, who: str, fake_invoice: list[Any]) -> None:
    client = api(cast, who)
    response = client.post(f"{BASE}/{cast.facility.pk}/reject", {"reason": ""}, content_type="application/json")
    assert response.status_code == (422 if OFFICE[who] == 200 else OFFICE[who])
    response = client.post(f"{BASE}/{cast.facility.pk}/confirm", {"sponsor": "Fund"}, content_type="application/json")
    assert response.status_code == OFFICE[who]
    if response.status_code == 200:
        assert response.json()["status"] == FacilityStatus.AWAITING_PAYMENT
        assert fake_invoice[0]["sponsor"] == "Fund"
        again = client.post(f"{BASE}/{cast.facility.pk}/confirm", {}, content_type="application/json")
        assert again.status_code == 409
        assert_error_shape(again, "not_allowed")


def test_join_request_create_and_refusal_shape(cast: Any) -> None:
    joiner = factories.make_user()
    _token, raw = token_create(user=joiner, name="t")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    response = client.post(f"{BASE}/join-requests", {"code": "nope-nope-nope"}, content_type="application/json")
    assert response.status_code == 422
    assert_error_shape(response, "invalid")
    assert response.json()["error"]["fields"][0]["field"] == "code"
    response = client.post(f"{BASE}/join-requests", {"code": cast.facility.code}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    again = client.post(f"{BASE}/join-requests", {"code": cast.facility.code}, content_type="application/json")
    assert again.status_code == 422
    assert "already asked" in again.json()["error"]["fields"][0]["reason"]
    assert JoinRequest.objects.filter(user=joiner).count() == 1


@pytest.mark.parametrize("who", ["assessor", "office"])
def test_programme_staff_cannot_join_through_the_api(cast: Any, who: str) -> None:
    response = api(cast, who).post(
        f"{BASE}/join-requests", {"code": cast.facility.code}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=getattr(cast, who)).exists()


def test_lapsed_join_refused_through_the_api(cast: Any) -> None:
    set_status(cast.facility, FacilityStatus.LAPSED)
    _token, raw = token_create(user=factories.make_user(), name="t")
    response = Client(headers={"Authorization": f"Bearer {raw}"}).post(
        f"{BASE}/join-requests", {"code": cast.facility.code}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "lapsed" in response.json()["error"]["fields"][0]["reason"]


def test_schemas_are_documented(db: Any) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    paths = [p for p in schema["paths"] if p.startswith(BASE)]
    assert f"{BASE}/join-requests" in paths
    assert any(p.endswith("/confirm") for p in paths)
    assert "FacilityDetailOut" in schema["components"]["schemas"]


def test_the_facility_list_pages_with_limit_and_offset_and_gives_the_total(cast: Any) -> None:
    for i in range(4):
        factories.make_facility(name=f"Paged IO {i}")
    _token, raw = token_create(user=cast.office, name="paging")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    everything = client.get("/api/v1/facilities/")
    total = int(everything["X-Total-Count"])
    assert total == len(everything.json()) >= 6
    first = client.get("/api/v1/facilities/?limit=2")
    second = client.get("/api/v1/facilities/?limit=2&offset=2")
    assert [f["name"] for f in first.json()] + [f["name"] for f in second.json()] == [
        f["name"] for f in everything.json()[:4]
    ]
    assert client.get("/api/v1/facilities/?limit=0").status_code == 422
    assert client.get("/api/v1/facilities/?limit=501").status_code == 422
