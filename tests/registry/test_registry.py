"""The public registry: one source (for_public_registry), the same rows as pages and open data."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from iasios.facilities.models import Facility
from tests import factories

pytestmark = pytest.mark.django_db


def _enrolled(**fields: Any) -> Facility:
    facility = factories.make_facility(**fields)
    Facility.objects.filter(pk=facility.pk).update(status="enrolled")
    return facility


@pytest.fixture
def centres() -> dict[str, Facility]:
    return {
        "leuven": _enrolled(name="Leuven IO", city="Leuven", country="BE", latitude=50.88, longitude=4.70),
        "lyon": _enrolled(name="Lyon IO", city="Lyon", country="FR", institution="=cmd|' /C calc'!A0"),
        "hidden": _enrolled(name="Unlisted IO", listed_publicly=False),
        "registered": factories.make_facility(name="Just Registered IO"),
        "lapsed": factories.make_facility(name="Lapsed IO"),
    }


def test_the_registry_lists_only_listed_enrolled_centres(centres: dict[str, Facility]) -> None:
    Facility.objects.filter(pk=centres["lapsed"].pk).update(status="lapsed")
    response = Client().get("/registry/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "Leuven IO" in text and "Lyon IO" in text
    for absent in ("Unlisted IO", "Just Registered IO", "Lapsed IO"):
        assert absent not in text


def test_filters_by_country_city_search_and_level(centres: dict[str, Facility]) -> None:
    client = Client()
    assert [c["name"] for c in client.get("/registry.json?country=be").json()["centres"]] == ["Leuven IO"]
    assert [c["name"] for c in client.get("/registry.json?city=lyon").json()["centres"]] == ["Lyon IO"]
    assert [c["name"] for c in client.get("/registry.json?q=leuv").json()["centres"]] == ["Leuven IO"]
    assert client.get("/registry.json?level=accredited").json()["count"] == 0
    assert client.get("/registry.json?level=enrolled").json()["count"] == 2


def test_open_data_json_has_the_published_fields(centres: dict[str, Facility]) -> None:
    data = Client().get("/registry.json").json()
    assert data["count"] == 2
    leuven = next(c for c in data["centres"] if c["name"] == "Leuven IO")
    assert set(leuven) == {
        "name",
        "institution",
        "city",
        "country",
        "level",
        "valid_until",
        "verify_url",
        "profile_url",
    }
    assert (leuven["city"], leuven["country"], leuven["level"]) == ("Leuven", "BE", "enrolled")
    assert leuven["profile_url"].endswith(f"/registry/{centres['leuven'].pk}/")


def test_open_data_csv_matches_json_and_neutralises_formulas(centres: dict[str, Facility]) -> None:
    response = Client().get("/registry.csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert sorted(r["name"] for r in rows) == ["Leuven IO", "Lyon IO"]
    lyon = next(r for r in rows if r["name"] == "Lyon IO")
    assert lyon["institution"].startswith("'=")


def test_a_profile_is_public_only_for_listed_centres(centres: dict[str, Facility]) -> None:
    client = Client()
    response = client.get(f"/registry/{centres['leuven'].pk}/")
    assert response.status_code == 200
    assert b"Leuven IO" in response.content
    assert client.get(f"/registry/{centres['hidden'].pk}/").status_code == 404
    assert client.get(f"/registry/{centres['registered'].pk}/").status_code == 404


def test_the_map_appears_only_with_a_tile_server(centres: dict[str, Facility], settings: Any) -> None:
    settings.REGISTRY_TILE_URL = ""
    assert b"registry-map" not in Client().get("/registry/").content
    settings.REGISTRY_TILE_URL = "https://tiles.example/{z}/{x}/{y}.png"
    content = Client().get("/registry/").content.decode()
    assert 'id="registry-map"' in content
    assert '"lat": 50.88' in content


def test_the_registry_page_query_count_does_not_grow(django_assert_max_num_queries: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert Client().get("/registry/").status_code == 200
        return len(ctx.captured_queries)

    for i in range(3):
        _enrolled(name=f"Small {i}")
    small = count()
    for i in range(30):
        _enrolled(name=f"Large {i}", country="DE" if i % 2 else "IT")
    assert count() == small


@pytest.mark.parametrize("who", ["anonymous", "representative", "office", "assessor"])
def test_registry_pages_are_public_for_every_role(cast: Any, who: str, centres: dict[str, Facility]) -> None:
    client = cast.client_for(who)
    for url in ("/registry/", "/registry.json", "/registry.csv", f"/registry/{centres['leuven'].pk}/"):
        assert client.get(url).status_code == 200, url


# ----------------------------------------------------------------------------- levels from awards


def _award(facility: Facility, framework: Any, level: str = "accredited", status: str = "valid") -> Any:
    """An award of `facility` with its certificate, built directly (the decisions tests cover how)."""
    from datetime import date

    from django.db import transaction

    from iasios.applications.models import Cycle
    from iasios.certificates.services import certificate_issue
    from iasios.decisions.models import Award, Decision

    cycle = Cycle.objects.create(facility=facility, framework=framework)
    Cycle.objects.filter(pk=cycle.pk).update(status="decided")
    decision = Decision.objects.create(cycle=cycle, status="decided", outcome=level, decided_on=date(2026, 1, 10))
    award = Award.objects.create(
        facility=facility,
        cycle=cycle,
        decision=decision,
        level=level,
        valid_from=date(2026, 1, 10),
        valid_until=date(2030, 1, 10),
    )
    with transaction.atomic():
        certificate_issue(award=award)
    if status != "valid":
        Award.objects.filter(pk=award.pk).update(status=status)
    return award


def test_level_valid_until_and_verify_url_come_from_the_award_in_force(
    centres: dict[str, Facility], framework: Any
) -> None:
    award = _award(centres["leuven"], framework, "centre_of_excellence")
    _award(centres["lyon"], framework, "accredited", status="suspended")
    client = Client()
    data = {c["name"]: c for c in client.get("/registry.json").json()["centres"]}
    leuven, lyon = data["Leuven IO"], data["Lyon IO"]
    assert (leuven["level"], leuven["valid_until"]) == ("centre_of_excellence", "2030-01-10")
    assert leuven["verify_url"].endswith(f"/verify/{award.certificate.token}/")
    assert (lyon["level"], lyon["valid_until"], lyon["verify_url"]) == ("enrolled", None, "")
    assert [c["name"] for c in client.get("/registry.json?level=centre_of_excellence").json()["centres"]] == [
        "Leuven IO"
    ]
    assert client.get("/registry.json?level=accredited").json()["count"] == 0
    assert client.get("/registry.json?level=enrolled").json()["count"] == 1
    profile = client.get(f"/registry/{centres['leuven'].pk}/").content.decode()
    assert "Centre of Excellence" in profile and award.certificate.verify_path in profile
    rows = list(csv.DictReader(io.StringIO(client.get("/registry.csv").content.decode("utf-8-sig"))))
    assert {r["name"]: r["level"] for r in rows} == {"Leuven IO": "centre_of_excellence", "Lyon IO": "enrolled"}


@pytest.mark.parametrize("url", ["/registry/", "/registry.json", "/registry.csv"])
def test_query_count_with_awards_does_not_grow(framework: Any, url: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert Client().get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            facility = _enrolled(name=f"Centre {i}", country="DE" if i % 2 else "IT")
            _award(facility, framework, "accredited" if i % 3 else "centre_of_excellence")

    add(2, 0)
    small = count()
    add(12, 2)
    assert count() == small


def test_the_list_is_paged_but_open_data_holds_every_centre() -> None:
    from iasios.registry.views import REGISTRY_PAGE_SIZE

    for i in range(REGISTRY_PAGE_SIZE + 3):
        _enrolled(name=f"Paged centre {i:03d}", country="PT")
    client = Client()
    first = client.get("/registry/?country=PT").content.decode()
    assert f"{REGISTRY_PAGE_SIZE + 3} centres" in first
    assert first.count("Paged centre ") == REGISTRY_PAGE_SIZE
    assert "country=PT&amp;page=2" in first
    second = client.get("/registry/?country=PT&page=2").content.decode()
    assert second.count("Paged centre ") == 3
    assert client.get("/registry.json?country=PT").json()["count"] == REGISTRY_PAGE_SIZE + 3
