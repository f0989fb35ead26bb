"""One rule per permission, for the award: for every role of the cast and every state, the award
page shows the suspend / reinstate / withdraw button exactly when the office's POST succeeds,
exactly when the API call succeeds, exactly when the service succeeds; and that is the lifecycle's
rule (the office and administrators, from the transition's source states)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from iasios.api.services import token_create
from iasios.applications.models import Cycle, CycleStatus
from iasios.core.refusals import Refusal
from iasios.decisions import services
from iasios.decisions.models import Award, AwardLevel, AwardStatus, Decision, DecisionStatus, Outcome
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

MANAGERS = {"office", "administrator"}
# action → (the states it starts from, the state it leads to, the service)
ACTIONS: dict[str, tuple[set[str], str, Callable[..., Award]]] = {
    "suspend": ({AwardStatus.VALID}, AwardStatus.SUSPENDED, services.award_suspend),
    "reinstate": ({AwardStatus.SUSPENDED}, AwardStatus.VALID, services.award_reinstate),
    "withdraw": (
        {AwardStatus.PENDING, AwardStatus.VALID, AwardStatus.SUSPENDED},
        AwardStatus.WITHDRAWN,
        services.award_withdraw,
    ),
}
STATES = [
    AwardStatus.PENDING,
    AwardStatus.VALID,
    AwardStatus.SUSPENDED,
    AwardStatus.WITHDRAWN,
    AwardStatus.EXPIRED,
    AwardStatus.SUPERSEDED,
]


def _award(cast: Any, framework: Any, state: str) -> Award:
    cycle = Cycle.objects.create(facility=cast.facility, framework=framework)
    Cycle.objects.filter(pk=cycle.pk).update(status=CycleStatus.DECIDED)
    day = date(2026, 1, 15)
    decision = Decision.objects.create(
        cycle=cycle, status=DecisionStatus.DECIDED, outcome=Outcome.ACCREDITED, decided_on=day
    )
    award = Award.objects.create(
        facility=cast.facility,
        cycle=cycle,
        decision=decision,
        level=AwardLevel.ACCREDITED,
        valid_from=day,
        valid_until=date(2030, 1, 15),
    )
    Award.objects.filter(pk=award.pk).update(status=state)
    return award


def _api_client(user: Any) -> Client:
    if user is None:
        return Client()
    _token, raw = token_create(user=user, name="agreement")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.mark.parametrize("state", STATES)
def test_button_post_api_and_service_agree(cast: Any, framework: Any, state: str) -> None:
    award = _award(cast, framework, state)

    def moved_to(target: str) -> bool:
        return target != state and Award.objects.get(pk=award.pk).status == target

    def reset() -> None:
        Award.objects.filter(pk=award.pk).update(status=state)

    disagreements = []
    for who in ROLES:
        user = None if who == "anonymous" else getattr(cast, who)
        page = cast.client_for(who).get(reverse("decisions:award", args=[award.pk]))
        html = page.content.decode() if page.status_code == 200 else ""
        api = _api_client(user)
        for action, (sources, target, service) in ACTIONS.items():
            url = reverse("office_decisions:award_change", args=[award.pk, action])
            shown = f'action="{url}"' in html

            cast.client_for(who).post(url, {"reason": "Agreement check"})
            posted = moved_to(target)
            reset()

            response = api.post(
                f"/api/v1/decisions/awards/{award.pk}/{action}",
                {"reason": "Agreement check"},
                content_type="application/json",
            )
            via_api = response.status_code == 200 and moved_to(target)
            reset()

            try:
                service(award=Award.objects.get(pk=award.pk), actor=user or AnonymousUser(), reason="Agreement check")
            except (Refusal, PermissionDenied, ValidationError):
                served = False
            else:
                served = moved_to(target)
            reset()

            rule = who in MANAGERS and state in sources
            if not shown == posted == via_api == served == rule:
                disagreements.append((who, action, {"page": shown, "post": posted, "api": via_api, "service": served}))
    assert disagreements == []
