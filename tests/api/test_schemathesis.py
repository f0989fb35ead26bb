"""The API against its own OpenAPI document: schemathesis generates requests for every operation and
sends them, with a token of each role, to the application in this process (WSGI). No answer may be a
server error, use a status the document does not list, or break the documented response schema."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks
from schemathesis.core.failures import FailureGroup

from iasios.api.services import token_create
from iasios.applications.models import Answer
from iasios.cycles import services as cycle_services
from iasios.facilities.models import Facility, FacilityStatus

pytestmark = pytest.mark.django_db

# Examples per operation and role: 80 operations × 5 roles stay within about a minute on two cores.
EXAMPLES = 4
ROLES = ["office", "representative", "assessor", "committee", "anonymous"]
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


@dataclass
class Tally:
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)


@pytest.fixture
def wsgi_app() -> Any:
    """The project's WSGI application, kept inside the test's transaction.

    Like Django's test client, the requests do not close the database connection when they start
    and finish: closing it would end the transaction the test runs in.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def world(cast: Any, framework: Any, settings: Any, tmp_path: Any) -> dict[str, str]:
    """A started application, so that generated requests reach real objects, not only 404s."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    Facility.objects.filter(pk=cast.facility.pk).update(status=FacilityStatus.ENROLLED)
    cast.facility.refresh_from_db()
    cycle = cycle_services.cycle_start(facility=cast.facility, user=cast.contributor)
    answer = Answer.objects.filter(cycle=cycle).order_by("requirement__position").first()
    assert answer is not None
    return {
        "cycle_id": str(cycle.pk),
        "facility_id": str(cycle.facility_id),
        "pk": str(cycle.facility_id),
        "answer_id": str(answer.pk),
    }


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _run(operation: Any, headers: dict[str, str], world: dict[str, str], tally: Tally) -> None:
    # Valid requests and invalid ones (wrong types, missing fields): both must keep the contract.
    cases = st.one_of(operation.as_strategy(), operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        phases=[Phase.explicit, Phase.generate],
        deadline=None,
        database=None,
        derandomize=True,  # the same cases on every run: a failure here is reproducible
        suppress_health_check=list(HealthCheck),
    )
    def each(case: Any) -> None:
        # A well-formed id becomes one of the world's (a malformed one stays, to be refused).
        for name in set(case.path_parameters or {}) & set(world):
            if _is_uuid(case.path_parameters[name]):
                case.path_parameters[name] = world[name]
        response = case.call(headers=headers)
        tally.cases += 1
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as failure:
            body = response.content[:300].decode(errors="replace")
            tally.failures.append(f"{operation.label} → {response.status_code} {body}: {str(failure)[:800]}")

    each()


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_keeps_its_documented_contract(
    role: str, cast: Any, world: dict[str, str], wsgi_app: Any
) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    headers = {}
    if role != "anonymous":
        headers["Authorization"] = f"Bearer {token_create(user=getattr(cast, role), name='fuzz')[1]}"
    tally = Tally()
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        _run(operation, headers, world, tally)
    print(f"\n{role}: {operations} operations, {tally.cases} cases, statuses {dict(sorted(tally.statuses.items()))}")
    assert operations >= 80
    assert tally.cases >= operations
    assert tally.failures == [], "\n\n".join(tally.failures)
