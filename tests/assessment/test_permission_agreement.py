"""One rule per permission, for an assignment (accept, decline, submit the review) and an evidence
request (answer, accept the answer, ask again): for every role of the cast and every state, the
page shows the button exactly when its POST succeeds, exactly when the API call succeeds, exactly
when the service succeeds; and that is the lifecycle's rule (the transition's `who` and sources)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.test import Client
from django.urls import reverse

from iasios.api.services import token_create
from iasios.assessment import services
from iasios.assessment.models import (
    Assignment,
    AssignmentStatus,
    EvidenceRequest,
    EvidenceRequestStatus,
    RequirementRating,
)
from iasios.core.refusals import Refusal
from tests.assessment.builders import World, assign, requirements
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

EDITORS = {"representative", "contact", "contributor"}
DUE = (datetime.date.today() + datetime.timedelta(days=20)).isoformat()


@dataclass(frozen=True)
class Action:
    """One button: where the page shows it, what it posts, the API call and the service."""

    name: str
    sources: set[str]
    target: str
    who: set[str]
    page: Callable[[Any], str]  # obj → the page that shows the button
    marker: Callable[[Any], str]  # obj → what the button's form puts in the page
    post: Callable[[Any], tuple[str, dict[str, str]]]  # obj → (url, data)
    api: Callable[[Any], tuple[str, dict[str, Any]]]  # obj → (path, json)
    service: Callable[[Any, Any], Any]  # (obj, user) → the service's result


def _value(name: str) -> Callable[[Any], str]:
    return lambda obj: f'name="action" value="{name}"'


ASSIGNMENT_ACTIONS = [
    Action(
        "accept",
        {AssignmentStatus.PROPOSED},
        AssignmentStatus.ACCEPTED,
        {"assessor"},
        page=lambda a: reverse("assessment:assignment", args=[a.pk]),
        marker=_value("accept"),
        post=lambda a: (reverse("assessment:assignment", args=[a.pk]), {"action": "accept", "no_conflict": "on"}),
        api=lambda a: (f"/api/v1/assessment/assignments/{a.pk}/accept", {"no_conflict": True}),
        service=lambda a, user: services.assignment_accept(assignment=a, user=user, no_conflict=True),
    ),
    Action(
        "decline",
        {AssignmentStatus.PROPOSED},
        AssignmentStatus.DECLINED,
        {"assessor"},
        page=lambda a: reverse("assessment:assignment", args=[a.pk]),
        marker=_value("decline"),
        post=lambda a: (reverse("assessment:assignment", args=[a.pk]), {"action": "decline", "reason": "On leave"}),
        api=lambda a: (f"/api/v1/assessment/assignments/{a.pk}/decline", {"reason": "On leave"}),
        service=lambda a, user: services.assignment_decline(assignment=a, user=user, reason="On leave"),
    ),
    Action(
        "submit_review",
        {AssignmentStatus.ACCEPTED},
        AssignmentStatus.SUBMITTED,
        {"assessor"},
        page=lambda a: reverse("assessment:review", args=[a.pk]),
        marker=lambda a: f'action="{reverse("assessment:review_submit", args=[a.pk])}"',
        post=lambda a: (reverse("assessment:review_submit", args=[a.pk]), {}),
        api=lambda a: (f"/api/v1/assessment/assignments/{a.pk}/submit", {}),
        service=lambda a, user: services.review_submit(assignment=a, user=user),
    ),
]

REQUEST_ACTIONS = [
    Action(
        "answer",
        {EvidenceRequestStatus.OPEN},
        EvidenceRequestStatus.ANSWERED,
        EDITORS,
        page=lambda r: reverse("assessment:request", args=[r.pk]),
        marker=_value("answer"),
        post=lambda r: (reverse("assessment:request", args=[r.pk]), {"action": "answer", "text": "The rota."}),
        api=lambda r: (f"/api/v1/assessment/requests/{r.pk}/answer", {"text": "The rota."}),
        service=lambda r, user: services.evidence_request_answer(request=r, user=user, text="The rota."),
    ),
    Action(
        "accept",
        {EvidenceRequestStatus.ANSWERED},
        EvidenceRequestStatus.ACCEPTED,
        {"assessor"},
        page=lambda r: reverse("assessment:request", args=[r.pk]),
        marker=_value("accept"),
        post=lambda r: (reverse("assessment:request", args=[r.pk]), {"action": "accept"}),
        api=lambda r: (f"/api/v1/assessment/requests/{r.pk}/accept", {}),
        service=lambda r, user: services.evidence_request_accept(request=r, user=user),
    ),
    Action(
        "reask",
        {EvidenceRequestStatus.ANSWERED},
        EvidenceRequestStatus.OPEN,
        {"assessor"},
        page=lambda r: reverse("assessment:request", args=[r.pk]),
        marker=_value("reask"),
        post=lambda r: (
            reverse("assessment:request", args=[r.pk]),
            {"action": "reask", "question": "And the night rota?", "due_on": DUE},
        ),
        api=lambda r: (f"/api/v1/assessment/requests/{r.pk}/reask", {"question": "And the night rota?"}),
        service=lambda r, user: services.evidence_request_reask(request=r, user=user, question="And the night rota?"),
    ),
]


def _api_client(user: Any) -> Client:
    if user is None:
        return Client()
    _token, raw = token_create(user=user, name="agreement")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _disagreements(world: World, obj: Model, state: str, actions: list[Action]) -> list[Any]:
    """Every (role, action) where the page, the POST, the API, the service and the rule differ."""
    model = type(obj)

    def moved_to(target: str) -> bool:
        return target != state and model._default_manager.get(pk=obj.pk).status == target

    def reset() -> None:
        model._default_manager.filter(pk=obj.pk).update(status=state)

    found = []
    for who in ROLES:
        user = None if who == "anonymous" else getattr(world.cast, who)
        client = world.cast.client_for(who)
        api = _api_client(user)
        pages: dict[str, str] = {}
        for action in actions:
            url = action.page(obj)
            if url not in pages:
                page = client.get(url)
                pages[url] = page.content.decode() if page.status_code == 200 else ""
            shown = action.marker(obj) in pages[url]

            post_url, data = action.post(obj)
            client.post(post_url, data)
            posted = moved_to(action.target)
            reset()

            path, body = action.api(obj)
            response = api.post(path, body, content_type="application/json")
            via_api = response.status_code == 200 and moved_to(action.target)
            reset()

            try:
                action.service(model._default_manager.get(pk=obj.pk), user or AnonymousUser())
            except (Refusal, PermissionDenied, ValidationError):
                served = False
            else:
                served = moved_to(action.target)
            reset()

            rule = who in action.who and state in action.sources
            if not shown == posted == via_api == served == rule:
                found.append((who, action.name, {"page": shown, "post": posted, "api": via_api, "service": served}))
    return found


@pytest.mark.parametrize(
    "state",
    [
        AssignmentStatus.PROPOSED,
        AssignmentStatus.ACCEPTED,
        AssignmentStatus.SUBMITTED,
        AssignmentStatus.DECLINED,
        AssignmentStatus.WITHDRAWN,
    ],
)
def test_assignment_buttons_posts_api_and_services_agree(world: World, state: str) -> None:
    assignment = assign(world, world.a, accept=False)  # world.a is the cast's assessor
    # Every requirement rated on the current dossier: only who and the state decide a submission.
    RequirementRating.objects.bulk_create(
        [
            RequirementRating(assignment=assignment, requirement=r, rating="met", dossier=world.dossier)
            for r in requirements(world.cycle)
        ]
    )
    Assignment.objects.filter(pk=assignment.pk).update(status=state)
    assert _disagreements(world, assignment, state, ASSIGNMENT_ACTIONS) == []


@pytest.mark.parametrize(
    "state",
    [
        EvidenceRequestStatus.OPEN,
        EvidenceRequestStatus.ANSWERED,
        EvidenceRequestStatus.ACCEPTED,
        EvidenceRequestStatus.WITHDRAWN,
    ],
)
def test_evidence_request_buttons_posts_api_and_services_agree(world: World, state: str) -> None:
    assignment = assign(world, world.a)
    request = services.evidence_request_create(
        assignment=assignment, user=world.a, requirement=requirements(world.cycle)[0], question="The rota?"
    )
    EvidenceRequest.objects.filter(pk=request.pk).update(status=state)
    assert _disagreements(world, request, state, REQUEST_ACTIONS) == []
