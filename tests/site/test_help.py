"""The guides per role: public, each state named by its enum's label, linked from each home."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from iasios.applications.models import CycleStatus
from iasios.assessment.models import AssignmentStatus
from iasios.decisions.models import AppealStatus
from iasios.facilities.models import FacilityStatus
from iasios.site.help import GUIDES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "states"),
    [
        ("facility", [*FacilityStatus.labels, *CycleStatus.labels]),
        ("office", FacilityStatus.labels),
        ("assessor", AssignmentStatus.labels),
        ("committee", AppealStatus.labels),
    ],
)
def test_each_guide_is_public_and_names_every_state(role: str, states: list[str]) -> None:
    response = Client().get(reverse("help", args=[role]))
    assert response.status_code == 200
    text = response.content.decode()
    for label in states:
        assert f"<dt>{label}</dt>" in text


def test_an_unknown_guide_is_not_found() -> None:
    assert Client().get("/help/nobody/").status_code == 404


@pytest.mark.parametrize(
    ("who", "path", "guide"),
    [
        ("office", "/office/", "office"),
        ("assessor", "/assessor/", "assessor"),
        ("committee", "/dashboard/", "committee"),
        ("representative", "/dashboard/", "facility"),
    ],
)
def test_each_home_links_its_guide(cast: Any, who: str, path: str, guide: str) -> None:
    assert guide in GUIDES
    response = cast.client_for(who).get(path)
    assert response.status_code == 200
    assert f'href="{reverse("help", args=[guide])}"' in response.content.decode()
