"""Who gets what, for every page, endpoint and download of the assessment (exact status codes).

Roles: the facility's representative, contact, contributor and read-only member, a member of
another facility (outsider), the office, the assigned assessor, an assessor of the pool who is
not assigned, a committee member and an anonymous visitor.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from iasios.api.services import token_create
from iasios.applications.models import EvidenceRevision
from iasios.assessment import services
from iasios.assessment.models import AssessorProfile
from tests.assessment.builders import World, assign, requirements

pytestmark = pytest.mark.django_db

ROLES = [
    "representative",
    "contact",
    "contributor",
    "read_only",
    "outsider",
    "office",
    "assessor",
    "assessor_unassigned",
    "committee",
    "anonymous",
]
MEMBERS = {"representative", "contact", "contributor", "read_only"}


def _user(world: World, who: str) -> Any:
    if who == "assessor_unassigned":
        return world.spare
    return getattr(world.cast, who)


def _client(world: World, who: str) -> Client:
    client = Client()
    if who != "anonymous":
        client.force_login(_user(world, who))
    return client


def _api(world: World, who: str) -> Client:
    if who == "anonymous":
        return Client()
    _token, raw = token_create(user=_user(world, who), name="access")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def status(who: str, allowed: set[str], *, denied: int = 404, ok: int = 200, api: bool = False) -> int:
    if who == "anonymous":
        return 401 if api else 302
    return ok if who in allowed else denied


@pytest.fixture
def scene(world: World) -> dict[str, Any]:
    assignment = assign(world, world.a)
    requirement = requirements(world.cycle)[0]
    request = services.evidence_request_create(
        assignment=assignment, user=world.a, requirement=requirement, question="Rota?"
    )
    from datetime import date

    services.visit_save(
        cycle=world.cycle,
        actor=world.office,
        data=services.VisitInput(kind="remote", starts_on=date(2026, 5, 4), ends_on=date(2026, 5, 4), visitors="A"),
    )
    revision = EvidenceRevision.objects.filter(
        document__facility=world.cycle.facility, content_type="application/pdf"
    ).first()
    return {
        "assignment": assignment,
        "requirement": requirement,
        "request": request,
        "revision": revision,
        "profile": AssessorProfile.objects.get(user=world.a),
    }


@pytest.mark.parametrize("who", ROLES)
def test_assessor_and_facility_pages(world: World, scene: dict[str, Any], who: str) -> None:
    a, c = scene["assignment"], world.cycle
    client = _client(world, who)
    facility_side = MEMBERS | {"office", "assessor"}
    expected = {
        reverse("assessor_home"): status(who, {"assessor", "assessor_unassigned"}, denied=403),
        reverse("assessment:assignment", args=[a.pk]): status(who, {"assessor", "office"}),
        reverse("assessment:review", args=[a.pk]): status(who, {"assessor"}),
        reverse("assessment:draw", args=[a.pk]): status(who, {"assessor"}),
        reverse("assessment:request_new", args=[a.pk, scene["requirement"].pk]): status(who, {"assessor"}),
        reverse("assessment:request", args=[scene["request"].pk]): status(who, facility_side),
        reverse("assessment:cycle_requests", args=[c.pk]): status(who, facility_side),
        reverse("assessment:visit", args=[c.pk]): status(who, {"office", "assessor"}),
        reverse("assessment:evidence_inline", args=[scene["revision"].pk]): status(who, facility_side),
        reverse("applications:dossier", args=[c.pk]): status(who, facility_side),
        reverse("applications:revision_download", args=[scene["revision"].pk]): status(who, facility_side),
    }
    for url, code in expected.items():
        assert client.get(url).status_code == code, (who, url)


@pytest.mark.parametrize("who", ROLES)
def test_office_pages(world: World, scene: dict[str, Any], who: str) -> None:
    c = world.cycle
    client = _client(world, who)
    urls = [
        reverse("office_assessment:triage"),
        reverse("office_assessment:triage_cycle", args=[c.pk]),
        reverse("office_assessment:assessors"),
        reverse("office_assessment:assessor_new"),
        reverse("office_assessment:assessor_edit", args=[scene["profile"].pk]),
        reverse("office_assessment:cycles"),
        reverse("office_assessment:cycle", args=[c.pk]),
        reverse("office_assessment:assign", args=[c.pk]),
        reverse("office_assessment:visit", args=[c.pk]),
        reverse("office_assessment:reconcile", args=[c.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == status(who, {"office"}, denied=403), (who, url)
    posts = [
        reverse("office_assessment:withdraw", args=[scene["assignment"].pk]),
        reverse("office_assessment:recommendation", args=[c.pk]),
    ]
    for url in posts:
        # The office's posts redirect back; nobody else gets in (and nothing changes).
        assert client.post(url, {}).status_code == status(who, {"office"}, denied=403, ok=302), (who, url)
    scene["assignment"].refresh_from_db()
    assert scene["assignment"].status == "accepted"


@pytest.mark.parametrize("who", ROLES)
def test_api(world: World, scene: dict[str, Any], who: str) -> None:
    a, c = scene["assignment"], world.cycle
    client = _api(world, who)
    facility_side = MEMBERS | {"office", "assessor"}
    everyone = set(ROLES) - {"anonymous"}
    expected = {
        "/api/v1/assessment/assignments": status(who, everyone, api=True),
        f"/api/v1/assessment/assignments/{a.pk}": status(who, {"assessor"}, api=True),
        f"/api/v1/assessment/assignments/{a.pk}/ratings": status(who, {"assessor"}, api=True),
        f"/api/v1/assessment/cycles/{c.pk}/ratings": status(who, {"assessor", "office"}, api=True),
        f"/api/v1/assessment/cycles/{c.pk}/requests": status(who, facility_side, api=True),
        f"/api/v1/assessment/cycles/{c.pk}/candidates": status(who, {"office"}, api=True),
        f"/api/v1/assessment/cycles/{c.pk}/recommendation": status(who, {"office"}, api=True),
    }
    for url, code in expected.items():
        assert client.get(url).status_code == code, (who, url)
    # Writes: a rating by anyone but the assigned assessor never lands.
    ref = scene["requirement"].reference
    response = client.put(
        f"/api/v1/assessment/assignments/{a.pk}/ratings/{ref}",
        {"rating": "met", "comment": ""},
        content_type="application/json",
    )
    assert response.status_code == status(who, {"assessor"}, api=True), who
    # The facility's editors answer; the others may not.
    response = client.post(
        f"/api/v1/assessment/requests/{scene['request'].pk}/answer",
        {"text": "Rota attached"},
        content_type="application/json",
    )
    editors = {"representative", "contact", "contributor"}
    expected_answer = status(who, editors | {"read_only", "office", "assessor"}, api=True)
    if who in {"read_only", "office", "assessor"}:
        expected_answer = 403
    assert response.status_code == expected_answer, who
    # Assigning is the office's.
    response = client.post(
        f"/api/v1/assessment/cycles/{c.pk}/assignments",
        {"assessor_id": str(world.b.pk)},
        content_type="application/json",
    )
    assert response.status_code == status(who, {"office"}, ok=201, api=True), who
