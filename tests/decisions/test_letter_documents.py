"""The decision letter: rendered when the decision is taken, stored with its SHA-256 and served
from storage; rendered again when what it states changes (a corrective action added later)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

import pytest

from iasios.core.models import StoredDocument
from iasios.decisions import letters, services
from iasios.decisions.letters import DECISION_LETTER
from iasios.decisions.models import Outcome
from tests.decisions.conftest import committee_cycle, decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = letters.html_to_pdf

    def counting(html: str) -> bytes:
        calls.append("pdf")
        return real(html)

    monkeypatch.setattr(letters, "html_to_pdf", counting)
    return calls


@pytest.fixture
def decision(
    cast: Any, framework: Any, members: list[Any], contract: Any, django_capture_on_commit_callbacks: Any
) -> Any:
    cycle = committee_cycle(cast.facility, framework, cast.representative)
    with django_capture_on_commit_callbacks(execute=True):
        return decide(cycle, members, Outcome.ACCREDITED, date(2026, 3, 2))


def _download(client: Any, decision: Any) -> bytes:
    response = client.get(f"/decisions/{decision.pk}/letter.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return b"".join(response.streaming_content)


def _stored(decision: Any) -> StoredDocument:
    return StoredDocument.objects.get(kind=DECISION_LETTER, object_id=str(decision.pk))


def test_taking_the_decision_stores_its_letter(decision: Any, cast: Any, renders: list[str]) -> None:
    content = _download(cast.client_for("representative"), decision)
    assert renders == []
    assert hashlib.sha256(content).hexdigest() == _stored(decision).sha256


def test_a_corrective_action_added_later_renders_the_letter_again(decision: Any, cast: Any, renders: list[str]) -> None:
    first = _stored(decision)
    services.action_add(
        decision=decision, actor=cast.office, description="Audit the MDT minutes", owner="Lead", due_on=date(2026, 6, 1)
    )
    client = cast.client_for("representative")
    content = _download(client, decision)
    assert renders == ["pdf"]
    again = _stored(decision)
    assert again.source_sha256 != first.source_sha256 and hashlib.sha256(content).hexdigest() == again.sha256
    _download(client, decision)
    assert renders == ["pdf"]  # stored again, served from storage from then on


def test_the_letter_is_not_for_outsiders(decision: Any, cast: Any, renders: list[str]) -> None:
    assert cast.client_for("outsider").get(f"/decisions/{decision.pk}/letter.pdf").status_code == 404
    assert renders == []


def test_a_missing_stored_file_is_rendered_on_demand(decision: Any, cast: Any, renders: list[str]) -> None:
    from django.core.files.storage import default_storage

    default_storage.delete(_stored(decision).storage_key)
    content = _download(cast.client_for("representative"), decision)
    assert renders == ["pdf"]
    stored = _stored(decision)
    assert default_storage.exists(stored.storage_key) and hashlib.sha256(content).hexdigest() == stored.sha256
    assert _download(cast.client_for("representative"), decision) == content and renders == ["pdf"]


# ----------------------------------------------------------------------------- the appeal's letter


@pytest.fixture
def dismissed(
    cast: Any, framework: Any, members: list[Any], contract: Any, django_capture_on_commit_callbacks: Any
) -> Any:
    """An appeal against an accredited decision, dismissed by a member who took no part, with the
    after-commit work run (the documents task, immediate in tests)."""
    from iasios.cycles import committee

    cycle = committee_cycle(cast.facility, framework, cast.representative)
    decision = decide(cycle, members, Outcome.ACCREDITED, date.today())
    appeal = services.appeal_lodge(decision=decision, user=cast.representative, grounds="The ratings were misread.")
    assert not StoredDocument.objects.filter(kind=letters.APPEAL_LETTER, object_id=str(appeal.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        return committee.appeal_decide(appeal=appeal, member=members[3], upheld=False, reasons="The ratings stand.")


def test_deciding_the_appeal_stores_its_letter_and_the_page_stops_saying_being_prepared(
    dismissed: Any, cast: Any, renders: list[str]
) -> None:
    client = cast.client_for("representative")
    response = client.get(f"/decisions/appeals/{dismissed.pk}/letter.pdf")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    assert renders == []  # rendered by the task, served from storage
    stored = StoredDocument.objects.get(kind=letters.APPEAL_LETTER, object_id=str(dismissed.pk))
    assert hashlib.sha256(content).hexdigest() == stored.sha256
    page = client.get(f"/decisions/appeals/{dismissed.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Download the letter (PDF)" in html and "The letter is being prepared" not in html
    stored.delete()  # not stored (yet): the page says so
    assert "The letter is being prepared" in client.get(f"/decisions/appeals/{dismissed.pk}/").content.decode()
