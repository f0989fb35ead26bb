"""Who gets what, for every page, endpoint and download of decisions and awards (exact codes).

A committee member who voted on the decision ("voter") and one who did not ("committee") differ
on the appeal; the facility's roles differ on lodging it; outsiders and assessors never see it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from iasios.api.services import token_create
from iasios.cycles import committee
from iasios.decisions import services
from tests.decisions.conftest import committee_cycle, decide

pytestmark = pytest.mark.django_db

WHO = [
    "representative",
    "contact",
    "contributor",
    "read_only",
    "outsider",
    "office",
    "assessor",
    "voter",
    "committee",
    "anonymous",
]
FACILITY = ["representative", "contact", "contributor", "read_only"]


def _codes(default: int, **special: int) -> dict[str, int]:
    return {who: special.get(who, default) for who in WHO}


@pytest.fixture
def world(cast: Any, framework: Any, members: list[Any], contract: Any) -> dict[str, Any]:
    # cast.committee is not among the voters here: members[1:4] vote.
    waiting = committee_cycle(cast.other_facility, framework)
    cycle = committee_cycle(cast.facility, framework, cast.representative)
    decision = decide(cycle, members[1:], "accredited", date.today())
    appeal = services.appeal_lodge(decision=decision, user=cast.representative, grounds="Unfair.")
    return {"decision": decision, "appeal": appeal, "award": decision.award, "voter": members[1], "waiting": waiting}


def _client(cast: Any, world: dict[str, Any], who: str) -> Client:
    if who == "voter":
        client = Client()
        client.force_login(world["voter"])
        return client
    return cast.client_for(who)


def _api(cast: Any, world: dict[str, Any], who: str) -> Client:
    if who == "anonymous":
        return Client()
    user = world["voter"] if who == "voter" else getattr(cast, who)
    _token, raw = token_create(user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


DECISION_VIEW = _codes(200, outsider=404, assessor=404, anonymous=302)
STAFF_ONLY = _codes(403, voter=200, committee=200, anonymous=302)

PAGES = [
    ("/committee/", STAFF_ONLY),
    ("/committee/cycles/{waiting}/", STAFF_ONLY),
    # A voter opens the appeal and reads why they cannot hear it (test_appeal_panel.py); only the form is not theirs.
    ("/committee/appeals/{appeal}/", _codes(403, committee=200, voter=200, anonymous=302)),
    ("/decisions/{decision}/", DECISION_VIEW),
    ("/decisions/{decision}/letter.pdf", DECISION_VIEW),
    ("/decisions/{decision}/appeal/", _codes(403, outsider=404, assessor=404, anonymous=302, representative=200)),
    ("/decisions/appeals/{appeal}/", DECISION_VIEW),
    ("/decisions/facility/{facility}/", _codes(404, **dict.fromkeys([*FACILITY, "office"], 200), anonymous=302)),
    ("/decisions/awards/{award}/", _codes(404, **dict.fromkeys([*FACILITY, "office"], 200), anonymous=302)),
    ("/certificates/{award}/certificate.pdf", _codes(404, **dict.fromkeys([*FACILITY, "office"], 200), anonymous=302)),
    ("/certificates/{award}/seal.svg", _codes(404, **dict.fromkeys([*FACILITY, "office"], 200), anonymous=302)),
    ("/office/decisions/", _codes(403, office=200, anonymous=302)),
    ("/verify/{token}/", _codes(200)),
    ("/seals/accredited.svg", _codes(200)),
]


@pytest.mark.parametrize("who", WHO)
def test_pages_per_role(cast: Any, world: dict[str, Any], who: str) -> None:
    ids = {
        "waiting": world["waiting"].pk,
        "appeal": world["appeal"].pk,
        "decision": world["decision"].pk,
        "facility": cast.facility.pk,
        "award": world["award"].pk,
        "token": world["award"].certificate.token,
    }
    client = _client(cast, world, who)
    for pattern, expected in PAGES:
        url = pattern.format(**ids)
        assert client.get(url).status_code == expected[who], (url, who)


API = [
    ("get", "/api/v1/decisions/committee/queue", _codes(403, voter=200, committee=200, anonymous=401)),
    ("get", "/api/v1/decisions/{decision}", _codes(200, outsider=404, assessor=404, anonymous=401)),
    ("get", "/api/v1/decisions/{decision}/letter.pdf", _codes(200, outsider=404, assessor=404, anonymous=401)),
    ("get", "/api/v1/decisions/appeals/{appeal}", _codes(200, outsider=404, assessor=404, anonymous=401)),
    (
        "get",
        "/api/v1/decisions/awards/{award}",
        _codes(404, **dict.fromkeys([*FACILITY, "office"], 200), anonymous=401),
    ),
    ("get", "/api/v1/certificates/verify/{token}", _codes(200)),
]


@pytest.mark.parametrize("who", WHO)
def test_api_reads_per_role(cast: Any, world: dict[str, Any], who: str) -> None:
    ids = {
        "decision": world["decision"].pk,
        "appeal": world["appeal"].pk,
        "award": world["award"].pk,
        "token": world["award"].certificate.token,
    }
    client = _api(cast, world, who)
    for method, pattern, expected in API:
        url = pattern.format(**ids)
        assert getattr(client, method)(url).status_code == expected[who], (url, who)


@pytest.mark.parametrize("who", WHO)
def test_api_writes_per_role(cast: Any, world: dict[str, Any], who: str) -> None:
    client = _api(cast, world, who)
    award = world["award"]
    suspend = client.post(
        f"/api/v1/decisions/awards/{award.pk}/suspend", {"reason": "x"}, content_type="application/json"
    )
    assert (
        suspend.status_code
        == _codes(403, outsider=404, assessor=404, voter=404, committee=404, office=200, anonymous=401)[who]
    )
    hear = client.post(
        f"/api/v1/decisions/appeals/{world['appeal'].pk}/decide",
        {"upheld": False, "reasons": "Stands."},
        content_type="application/json",
    )
    assert hear.status_code == _codes(403, outsider=404, assessor=404, committee=200, anonymous=401)[who]
    vote = client.post(
        f"/api/v1/decisions/committee/cycles/{world['waiting'].pk}/vote",
        {"outcome": "accredited"},
        content_type="application/json",
    )
    assert vote.status_code == _codes(403, voter=200, committee=200, anonymous=401)[who]


def test_api_lists_awards_visible_to_the_user(cast: Any, world: dict[str, Any]) -> None:
    assert len(_api(cast, world, "read_only").get("/api/v1/decisions/awards/").json()) == 1
    assert _api(cast, world, "outsider").get("/api/v1/decisions/awards/").json() == []


def test_api_lodge_appeal_refuses_a_second_and_other_roles(cast: Any, world: dict[str, Any]) -> None:
    url = f"/api/v1/decisions/{world['decision'].pk}/appeal"
    body = {"grounds": "Again"}
    assert _api(cast, world, "contact").post(url, body, content_type="application/json").status_code == 403
    assert _api(cast, world, "representative").post(url, body, content_type="application/json").status_code == 422


def test_committee_queue_query_count_does_not_grow(cast: Any, framework: Any, members: list[Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories

    client = cast.client_for("committee")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/committee/").status_code == 200
        return len(ctx.captured_queries)

    def add(n: int) -> None:
        for _ in range(n):
            c = committee_cycle(factories.make_facility(), framework)
            committee.vote_cast(cycle=c, member=members[1], outcome="accredited")

    add(2)
    small = count()
    add(8)
    assert count() == small
