"""/registry.json and /registry.csv: an ETag per version of the registry, 304 for a client that
holds it, and a body built once per version but never stale."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from iasios.decisions.models import Award
from iasios.facilities.models import Facility
from tests import factories
from tests.registry.test_registry import _award, _enrolled

pytestmark = pytest.mark.django_db

OPEN_DATA = ["/registry.json", "/registry.csv"]


def _names(response: Any) -> list[str]:
    if response["Content-Type"].startswith("application/json"):
        return [c["name"] for c in response.json()["centres"]]
    return [row["name"] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))]


@pytest.mark.parametrize("url", OPEN_DATA)
def test_a_client_holding_the_current_version_gets_304(url: str) -> None:
    _enrolled(name="Leuven IO", country="BE")
    client = Client()
    first = client.get(url)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert first["Cache-Control"] == "public, no-cache"

    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


@pytest.mark.parametrize("url", OPEN_DATA)
def test_filters_have_their_own_version(url: str) -> None:
    _enrolled(name="Leuven IO", country="BE")
    _enrolled(name="Lyon IO", country="FR")
    client = Client()
    everything = client.get(url)
    belgium = client.get(f"{url}?country=BE")
    assert everything["ETag"] != belgium["ETag"]
    assert _names(belgium) == ["Leuven IO"]
    assert client.get(f"{url}?country=BE", HTTP_IF_NONE_MATCH=everything["ETag"]).status_code == 200


@pytest.mark.parametrize("url", OPEN_DATA)
def test_a_change_of_a_centre_is_a_new_version_with_the_new_data(url: str) -> None:
    leuven = _enrolled(name="Leuven IO", country="BE")
    client = Client()
    before = client.get(url)
    assert _names(before) == ["Leuven IO"]

    leuven.refresh_from_db()
    leuven.name = "Leuven Interventional Oncology"
    leuven.save()
    after = client.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert _names(after) == ["Leuven Interventional Oncology"]

    factories.make_facility(name="Registered IO")  # not listed, but a new row: a new version all the same
    assert client.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 200


def test_an_award_changing_state_is_a_new_version(framework: Any) -> None:
    leuven = _enrolled(name="Leuven IO", country="BE")
    award = _award(leuven, framework, "accredited")
    client = Client()
    before = client.get("/registry.json")
    assert before.json()["centres"][0]["level"] == "accredited"

    award = Award.objects.get(pk=award.pk)
    award.status = "suspended"
    award.save()
    after = client.get("/registry.json", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert after.json()["centres"][0]["level"] == "enrolled"
    assert after.json()["centres"][0]["verify_url"] == ""


def test_the_body_is_built_once_per_version(django_assert_num_queries: Any) -> None:
    for i in range(3):
        _enrolled(name=f"Centre {i}", country="DE")
    client = Client()
    client.get("/registry.json")  # builds and keeps the body
    with django_assert_num_queries(3):  # the version only: facilities, awards, certificates
        response = client.get("/registry.json")
    assert len(response.json()["centres"]) == 3
    assert Facility.objects.for_public_registry().count() == 3
