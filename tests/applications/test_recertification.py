"""Re-certification: carried-over answers and links across two framework versions, confirmation, the aim."""

from __future__ import annotations

import datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from iasios.api.services import token_create
from iasios.applications import services
from iasios.applications.models import Answer, Claim, Cycle, CycleAim, CycleKind, CycleStatus, EvidenceLink
from iasios.applications.selectors import (
    carried_over_summary,
    cycle_changes_since_previous,
)
from iasios.core.statemachine import TransitionNotAllowed
from iasios.cycles import services as cycle_services
from iasios.cycles.selectors import cycle_blockers, submission_blockers
from iasios.decisions import selectors as decision_selectors
from iasios.standards.models import FrameworkVersion
from tests.applications import conftest as files
from tests.applications.helpers import answer_for, decided_cycle, save, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def window(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    """The decisions app's answers, standing in: the window is open, no full term yet."""
    state = {"open": True, "full_term": False}
    monkeypatch.setattr(decision_selectors, "recertification_open", lambda facility, today: state["open"])
    monkeypatch.setattr(decision_selectors, "full_term_completed", lambda facility: state["full_term"])
    return state


@pytest.fixture
def decided(cycle: Cycle, enrolled: Any, monkeypatch: Any) -> Cycle:
    """An initial cycle on 2026.1, decided."""
    decided_cycle(cycle, enrolled, monkeypatch)
    return cycle


def _load_version_2(tmp_path: Path) -> FrameworkVersion:
    """The shipped file as 2026.2 with 9e added, 13d removed; loaded and made current."""
    data = yaml.safe_load(Path(settings.SHIPPED_FRAMEWORK_FILE).read_text(encoding="utf-8"))
    data["version"] = "2026.2"
    nine = next(s for s in data["standards"] if s["number"] == 9)
    nine["requirements"].append({"letter": "e", "core": False, "text": "Survivorship care plans are offered."})
    thirteen = next(s for s in data["standards"] if s["number"] == 13)
    assert thirteen["requirements"].pop()["letter"] == "d"
    path = tmp_path / "framework-2026.2.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    call_command("standards_load", str(path), "--activate", stdout=StringIO())
    return FrameworkVersion.objects.get(version="2026.2")


def _answer_13d(cycle: Cycle, user: Any) -> None:
    save(answer_for(cycle, "13d"), user, claim=Claim.NOT_APPLICABLE, na_reason="No research programme yet.")


def test_carried_over_answers_and_links_match_the_previous_cycle(
    decided: Cycle, enrolled: Any, window: dict[str, bool]
) -> None:
    recert = cycle_services.cycle_start_recertification(
        facility=decided.facility, user=enrolled.contributor, aim=CycleAim.ACCREDITED
    )
    assert (recert.kind, recert.aim, recert.status, recert.previous_id) == (
        CycleKind.RECERTIFICATION,
        CycleAim.ACCREDITED,
        CycleStatus.DRAFT,
        decided.pk,
    )
    before = {
        a.requirement.reference: a for a in Answer.objects.filter(cycle=decided).select_related("requirement__standard")
    }
    after = {
        a.requirement.reference: a for a in Answer.objects.filter(cycle=recert).select_related("requirement__standard")
    }
    assert set(before) == set(after)
    for ref, old in before.items():
        new = after[ref]
        assert (new.claim, new.narrative, new.na_reason) == (old.claim, old.narrative, old.na_reason)
        assert new.carried_over and new.carried_from_id == old.pk
        old_docs = set(EvidenceLink.objects.filter(answer=old).values_list("document_id", flat=True))
        assert set(EvidenceLink.objects.filter(answer=new).values_list("document_id", flat=True)) == old_docs
    # The decided cycle is untouched.
    assert not Answer.objects.filter(cycle=decided, carried_over=True).exists()
    assert recert.carry_over["new"] == [] and recert.carry_over["removed"] == []


def test_across_framework_versions_new_start_empty_and_removed_are_dropped(
    decided: Cycle, enrolled: Any, window: dict[str, bool], tmp_path: Path
) -> None:
    version_2 = _load_version_2(tmp_path)
    recert = cycle_services.cycle_start_recertification(
        facility=decided.facility, user=enrolled.contributor, aim=CycleAim.ACCREDITED
    )
    assert recert.framework == version_2
    nine_e = answer_for(recert, "9e")
    assert (nine_e.claim, nine_e.narrative, nine_e.carried_over, nine_e.carried_from_id) == ("", "", False, None)
    assert not Answer.objects.filter(cycle=recert, requirement__standard__number=13, requirement__letter="d").exists()
    assert recert.carry_over["new"] == ["9e"]
    assert recert.carry_over["removed"] == ["13d"]
    # Matched by number and letter: 1a of 2026.2 carries 1a of 2026.1.
    one_a = answer_for(recert, "1a")
    assert one_a.requirement.framework == version_2
    assert one_a.carried_from == answer_for(decided, "1a")
    page = enrolled.client_for("contributor").get(reverse("applications:workspace", args=[recert.pk])).text
    assert "New in these standards" in page and "9e" in page
    assert "No longer in the standards" in page and "13d" in page


def test_confirm_and_change_clear_carried_over(decided: Cycle, enrolled: Any, window: dict[str, bool]) -> None:
    recert = cycle_services.cycle_start_recertification(
        facility=decided.facility, user=enrolled.contributor, aim=CycleAim.ACCREDITED
    )
    pending = carried_over_summary(recert).pending
    first, second, third = list(
        Answer.objects.filter(cycle=recert, requirement__core=True)
        .select_related("cycle__facility", "requirement__standard")
        .order_by("requirement__position")[:3]
    )
    services.answer_confirm(answer=first, user=enrolled.contributor)
    save(second, enrolled.contributor, narrative="Updated for this cycle.")
    link = third.links.select_related("document").first()
    assert link is not None
    services.evidence_unlink(answer=third, document=link.document, user=enrolled.contributor)
    for answer in (first, second, third):
        answer.refresh_from_db()
        assert not answer.carried_over
    assert first.revision == 0  # confirming keeps the content (and its revision) as it was
    assert carried_over_summary(recert).pending == pending - 3
    with pytest.raises(PermissionDenied):
        services.answer_confirm(answer=answer_for(recert, "1e"), user=enrolled.read_only)


def test_unconfirmed_carried_over_core_answers_block_submission(
    decided: Cycle, enrolled: Any, window: dict[str, bool]
) -> None:
    recert = cycle_services.cycle_start_recertification(
        facility=decided.facility, user=enrolled.contributor, aim=CycleAim.ACCREDITED
    )
    core = list(
        Answer.objects.filter(cycle=recert, requirement__core=True).select_related("cycle__facility", "requirement")
    )
    blocker = next(b for b in cycle_blockers(recert) if "carried-over core answers" in b.message)
    assert blocker.message.startswith(f"{len(core)} carried-over core answers")
    with pytest.raises(TransitionNotAllowed, match="carried-over core answers"):
        _submit(recert, enrolled)
    services.answers_confirm(cycle=recert, user=enrolled.contributor, answer_ids=[a.pk for a in core])
    assert not any("carried-over" in b.message for b in submission_blockers(recert, enrolled.representative))
    # Extended answers may stay carried over: they are submitted as they are, marked in the dossier.
    dossier = _submit(recert, enrolled)
    extended = next(a for a in dossier.snapshot["answers"] if not a["core"])
    assert extended["carried_over"] is True
    assert dossier.snapshot["cycle"]["aim"] == CycleAim.ACCREDITED


def _submit(cycle: Cycle, cast: Any) -> Any:
    return submit(cycle, cast.representative)


def test_centre_of_excellence_needs_a_full_term(decided: Cycle, enrolled: Any, window: dict[str, bool]) -> None:
    with pytest.raises(ValidationError) as refused:
        cycle_services.cycle_start_recertification(
            facility=decided.facility, user=enrolled.contributor, aim=CycleAim.CENTRE_OF_EXCELLENCE
        )
    assert "full term" in str(refused.value)
    assert not Cycle.objects.filter(kind=CycleKind.RECERTIFICATION).exists()
    window["full_term"] = True
    recert = cycle_services.cycle_start_recertification(
        facility=decided.facility, user=enrolled.contributor, aim=CycleAim.CENTRE_OF_EXCELLENCE
    )
    assert recert.aim == CycleAim.CENTRE_OF_EXCELLENCE


def test_refused_outside_the_window_with_an_open_cycle_or_without_a_decided_one(
    cycle: Cycle, enrolled: Any, window: dict[str, bool], monkeypatch: Any
) -> None:
    facility = cycle.facility
    with pytest.raises(TransitionNotAllowed, match="no decided application"):
        cycle_services.cycle_start_recertification(
            facility=facility, user=enrolled.contributor, aim=CycleAim.ACCREDITED
        )
    decided_cycle(cycle, enrolled, monkeypatch)
    window["open"] = False
    with pytest.raises(TransitionNotAllowed, match="not open"):
        cycle_services.cycle_start_recertification(
            facility=facility, user=enrolled.contributor, aim=CycleAim.ACCREDITED
        )
    window["open"] = True
    with pytest.raises(ValidationError):
        cycle_services.cycle_start_recertification(facility=facility, user=enrolled.contributor, aim="platinum")
    with pytest.raises(PermissionDenied):
        cycle_services.cycle_start_recertification(facility=facility, user=enrolled.read_only, aim=CycleAim.ACCREDITED)
    cycle_services.cycle_start_recertification(facility=facility, user=enrolled.contributor, aim=CycleAim.ACCREDITED)
    with pytest.raises(TransitionNotAllowed, match="already has an open application"):
        cycle_services.cycle_start_recertification(
            facility=facility, user=enrolled.contributor, aim=CycleAim.ACCREDITED
        )


def test_changes_since_previous_cycle(decided: Cycle, enrolled: Any, window: dict[str, bool], tmp_path: Path) -> None:
    _load_version_2(tmp_path)
    recert = cycle_services.cycle_start_recertification(
        facility=decided.facility, user=enrolled.contributor, aim=CycleAim.ACCREDITED
    )
    one_a = answer_for(recert, "1a")
    save(one_a, enrolled.contributor, claim=Claim.PARTLY_MET)
    new_doc = services.evidence_document_create(
        facility=recert.facility,
        user=enrolled.contributor,
        data=services.DocumentInput(title="Audit 2029"),
        upload=files.upload("audit.pdf", files.pdf_bytes() + b"2029"),
    )
    services.evidence_link(answer=answer_for(recert, "1c"), document=new_doc, user=enrolled.contributor)
    changes = {c.requirement: c for c in cycle_changes_since_previous(recert) or []}
    assert changes["1a"].claim_after == Claim.PARTLY_MET
    assert [e.title for e in changes["1c"].evidence_added] == ["Audit 2029"]
    assert changes["9e"].kind == "added" and changes["13d"].kind == "removed"
    assert set(changes) == {"1a", "1c", "9e", "13d"}
    initial = Cycle.objects.get(pk=decided.pk)
    assert cycle_changes_since_previous(initial) is None


def test_start_and_confirm_through_pages_and_api(decided: Cycle, enrolled: Any, window: dict[str, bool]) -> None:
    client = enrolled.client_for("contributor")
    index = client.get(reverse("applications:index")).text
    assert reverse("applications:recertify", args=[decided.facility_id]) in index
    form = client.get(reverse("applications:recertify", args=[decided.facility_id]))
    # No full term: Centre of Excellence is not offered as the aim, and the page says why.
    assert form.status_code == 200 and 'value="centre_of_excellence"' not in form.text
    assert "only after a full term" in form.text
    response = client.post(reverse("applications:recertify", args=[decided.facility_id]), {"aim": "accredited"})
    recert = Cycle.objects.get(kind=CycleKind.RECERTIFICATION)
    assert response.status_code == 302 and response["Location"].endswith(f"/cycle/{recert.pk}/")
    workspace = client.get(reverse("applications:workspace", args=[recert.pk])).text
    assert "answers to confirm or change" in workspace
    standard = client.get(reverse("applications:standard", args=[recert.pk, 1])).text
    assert "Carried over: confirm or change" in standard
    one_a = answer_for(recert, "1a")
    confirmed = client.post(reverse("applications:answer_confirm", args=[recert.pk, one_a.pk]))
    assert confirmed.status_code == 302
    one_a.refresh_from_db()
    assert not one_a.carried_over

    token = token_create(user=enrolled.contributor, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    one_c = answer_for(recert, "1c")
    body = api.post(f"/api/v1/applications/cycles/{recert.pk}/answers/{one_c.pk}/confirm").json()
    assert body["carried_over"] is False
    rest = list(Answer.objects.filter(cycle=recert, carried_over=True).values_list("pk", flat=True)[:3])
    bulk = api.post(
        f"/api/v1/applications/cycles/{recert.pk}/confirm",
        {"answer_ids": [str(pk) for pk in rest]},
        content_type="application/json",
    )
    assert bulk.status_code == 200 and all(not a["carried_over"] for a in bulk.json())
    other = Answer.objects.filter(cycle=decided).first()
    assert other is not None
    wrong = api.post(
        f"/api/v1/applications/cycles/{recert.pk}/confirm",
        {"answer_ids": [str(other.pk)]},
        content_type="application/json",
    )
    assert wrong.status_code == 422
    changes = api.get(f"/api/v1/applications/cycles/{recert.pk}/changes-since-previous-cycle")
    assert changes.status_code == 200 and changes.json() == []


def test_api_start_with_the_aim(decided: Cycle, enrolled: Any, window: dict[str, bool]) -> None:
    token = token_create(user=enrolled.representative, name="t")[1]
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/applications/facilities/{decided.facility_id}/recertification"
    refused = api.post(url, {"aim": "centre_of_excellence"}, content_type="application/json")
    assert refused.status_code == 422
    assert refused.json()["error"]["fields"][0]["field"] == "aim"
    window["full_term"] = True
    started = api.post(url, {"aim": "centre_of_excellence"}, content_type="application/json")
    assert started.status_code == 201, started.content
    assert started.json()["aim"] == "centre_of_excellence"
    assert started.json()["previous_cycle_id"] == str(decided.pk)
    assert started.json()["carried_over_pending"] > 0
    again = api.post(url, {"aim": "accredited"}, content_type="application/json")
    assert again.status_code == 409


def test_window_is_closed_without_an_award(cycle: Cycle) -> None:
    # The real selectors answer for a facility without any award: not open, no full term.
    from iasios.decisions.selectors import full_term_completed, recertification_open

    assert recertification_open(cycle.facility, datetime.date.today()) is False
    assert full_term_completed(cycle.facility) is False
