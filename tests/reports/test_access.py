"""Who gets what on every report page (exact status codes)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.reports import builders as b

pytestmark = pytest.mark.django_db

WHO = [
    "representative",
    "contact",
    "contributor",
    "read_only",
    "outsider",
    "office",
    "administrator",
    "assessor",
    "committee",
    "anonymous",
]
FACILITY = ["representative", "contact", "contributor", "read_only"]


def _codes(default: int, **special: int) -> dict[str, int]:
    return {who: special.get(who, default) for who in WHO}


OFFICE_PAGE = _codes(403, office=200, administrator=200, anonymous=302)
# The facility's own members (and the office, which sees every facility); nobody else learns it exists.
FACILITY_PAGE = _codes(404, **dict.fromkeys([*FACILITY, "office", "administrator"], 200), anonymous=302)

PAGES = [
    ("office_reports:dashboard", False, OFFICE_PAGE),
    ("office_reports:benchmarks", False, OFFICE_PAGE),
    ("reports:facility_benchmark", True, FACILITY_PAGE),
]


@pytest.mark.parametrize(("name", "with_facility", "codes"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("who", WHO)
def test_access(cast: Any, framework: Any, name: str, with_facility: bool, codes: dict[str, int], who: str) -> None:
    b.decided_cycle(cast.facility, framework)
    url = reverse(name, args=[cast.facility.pk] if with_facility else [])

    response = cast.client_for(who).get(url)

    assert response.status_code == codes[who]
    if who == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_facility_is_404_even_for_the_office(cast: Any) -> None:
    response = cast.client_for("office").get(
        reverse("reports:facility_benchmark", args=["00000000-0000-0000-0000-000000000000"])
    )

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["office_reports:dashboard", "office_reports:benchmarks"])
def test_office_pages_refuse_post(cast: Any, name: str) -> None:
    assert cast.client_for("office").post(reverse(name)).status_code == 405
