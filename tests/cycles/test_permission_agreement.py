"""One rule per permission: for every role of the cast, in every state of a cycle, and for each
transition offered on the pages and through the API, the page shows the button exactly when the
page's POST takes it, exactly when the API's POST takes it, exactly when the service does.

The cycle walks its whole path once; in each state every attempt runs inside a transaction that
is rolled back, so the next one starts from the same state.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from iasios.api.services import token_create
from iasios.applications.models import AmendmentRound, Cycle, CycleStatus
from iasios.assessment import selectors as assessment_selectors
from iasios.core.refusals import Refusal
from iasios.cycles import services
from iasios.cycles.lifecycle import CYCLE_LIFECYCLE
from tests import factories
from tests.applications.helpers import fill_core
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

REASON = "The rota of standard 2 is missing."
OFFICE = {"office", "administrator"}


@dataclass(frozen=True)
class Action:
    name: str  # the transition
    page_url: str  # the URL name its button posts to
    api_path: str  # under /api/v1/applications/cycles/<id>/
    on_workspace: bool  # the button is on the workspace (else on the pre-flight page)

    def form_data(self) -> dict[str, str]:
        if self.name == "submit":
            return {"declaration": "on", "password": factories.PASSWORD}
        return {"reason": REASON} if self.name == "return" else {}

    def api_body(self) -> dict[str, Any]:
        if self.name == "submit":
            return {"declaration": True, "password": factories.PASSWORD}
        return {"reason": REASON} if self.name == "return" else {}

    def page_post(self, client: Client, cycle: Cycle) -> None:
        client.post(reverse(self.page_url, args=[cycle.pk]), self.form_data())

    def api_post(self, client: Client, cycle: Cycle) -> None:
        url = f"/api/v1/applications/cycles/{cycle.pk}/{self.api_path}"
        client.post(url, self.api_body(), content_type="application/json")

    def call_service(self, cycle: Cycle, user: Any) -> None:
        cycle = Cycle.objects.get(pk=cycle.pk)  # a fresh instance: a taken transition updates it
        if self.name == "submit":
            services.cycle_submit(cycle=cycle, user=user, declaration_accepted=True, password=factories.PASSWORD)
        elif self.name == "return":
            services.cycle_return(cycle=cycle, actor=user, reason=REASON)
        else:
            getattr(services, f"cycle_{self.name}")(cycle=cycle, actor=user)


ACTIONS = [
    Action("submit", "applications:submit", "submit", on_workspace=False),
    Action("return", "applications:return", "return", on_workspace=True),
    Action("start_assessment", "applications:start_assessment", "start-assessment", on_workspace=True),
    Action("send_to_committee", "applications:send_to_committee", "send-to-committee", on_workspace=True),
    Action("close_amendment", "applications:close_amendment", "close-amendment", on_workspace=True),
]


def _taken(cycle: Cycle, attempt: Callable[[], Any], action: Action) -> bool:
    """Run `attempt` and say whether the cycle moved to the transition's target; undo it either way.

    A resubmission lands in the state it might have started from, so the state must change."""
    target = CYCLE_LIFECYCLE[action.name].target
    before = Cycle.objects.get(pk=cycle.pk).status
    with transaction.atomic():
        with contextlib.suppress(Refusal):
            attempt()
        after = Cycle.objects.get(pk=cycle.pk).status
        moved = after != before and after == target
        transaction.set_rollback(True)
    return moved


def _button_shown(client: Client, cycle: Cycle, action: Action, pages: dict[str, str]) -> bool:
    page = "workspace" if action.on_workspace else "submit"
    if page not in pages:
        response = client.get(reverse(f"applications:{page}", args=[cycle.pk]))
        pages[page] = response.content.decode() if response.status_code == 200 else ""
    html = pages[page]
    if action.on_workspace:
        return f'"{reverse(action.page_url, args=[cycle.pk])}"' in html
    return 'class="sign-form"' in html


def _disagreements(cycle: Cycle, cast: Any, state: str, clients: dict[str, tuple[Client, Client]]) -> list[str]:
    found = []
    for who in ROLES:
        page_client, api_client = clients[who]
        user = AnonymousUser() if who == "anonymous" else getattr(cast, who)
        pages: dict[str, str] = {}
        for action in ACTIONS:
            answers = {
                "button": _button_shown(page_client, cycle, action, pages),
                "page": _taken(cycle, partial(action.page_post, page_client, cycle), action),
                "api": _taken(cycle, partial(action.api_post, api_client, cycle), action),
                "service": _taken(cycle, partial(action.call_service, cycle, user), action),
            }
            if len(set(answers.values())) != 1:
                found.append(f"{state} · {who} · {action.name}: {answers}")
            elif answers["service"]:
                found.append(f"TAKEN {state} · {who} · {action.name}")
    return found


def _expected_taken(state: str) -> set[str]:
    """Who may take what, from the lifecycle's table: the representative submits; the office hands over."""
    by_state = {
        "draft": {"representative": {"submit"}},
        "returned": {"representative": {"submit"}},
        "amending": {"representative": {"submit"}},
        "submitted": {w: {"return", "start_assessment"} for w in OFFICE},
        "in_assessment": {w: {"send_to_committee"} for w in OFFICE},
        "amending, window passed": {w: {"close_amendment"} for w in OFFICE},
    }.get(state, {})
    return {f"TAKEN {state} · {who} · {name}" for who, names in by_state.items() for name in sorted(names)}


def test_page_api_and_service_agree_for_every_role_and_state(
    cycle: Cycle, enrolled: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: True)
    cast = enrolled
    clients: dict[str, tuple[Client, Client]] = {}
    for who in ROLES:
        api = Client()
        if who != "anonymous":
            api = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=getattr(cast, who), name='t')[1]}")
        clients[who] = (cast.client_for(who), api)
    fill_core(cycle, cast.contributor)

    results: list[str] = []

    def check(state: str) -> None:
        cycle.refresh_from_db()
        got = _disagreements(cycle, cast, state, clients)
        disagreements = [line for line in got if not line.startswith("TAKEN ")]
        assert not disagreements, "\n".join(disagreements)
        taken = {line for line in got if line.startswith("TAKEN ")}
        assert taken == _expected_taken(state), state
        results.extend(got)

    check("draft")
    services.cycle_submit(cycle=cycle, user=cast.representative, declaration_accepted=True, password=factories.PASSWORD)
    check("submitted")
    services.cycle_return(cycle=cycle, actor=cast.office, reason=REASON)
    check("returned")
    services.cycle_submit(cycle=cycle, user=cast.representative, declaration_accepted=True, password=factories.PASSWORD)
    services.cycle_start_assessment(cycle=cycle, actor=cast.office)
    check("in_assessment")
    services.cycle_send_to_committee(cycle=cycle, actor=cast.office)
    check("with_committee")
    services.cycle_mark_decided(cycle=cycle)
    check("decided")
    first = cycle.answers.order_by("requirement__position").values_list("requirement_id", flat=True)[0]
    services.cycle_reopen_for_amendment(cycle=cycle, requirement_ids=[first])
    assert cycle.status == CycleStatus.AMENDING
    check("amending")
    AmendmentRound.objects.filter(cycle=cycle).update(due_at=timezone.now() - timedelta(days=1))
    check("amending, window passed")
    # Every transition offered was taken by someone somewhere: the table is not vacuous.
    assert {line.split(" · ")[-1] for line in results} == {a.name for a in ACTIONS}
