"""Returned and amending cycles: who can change what, dossier revisions, the resubmission window, changes."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from iasios.api.services import token_create
from iasios.applications import services
from iasios.applications.dossier import dossier_verify
from iasios.applications.models import AmendmentRound, Answer, Claim, Cycle, CycleStatus, Dossier
from iasios.applications.selectors import (
    cycle_next_step,
    dossier_changes,
    latest_dossier,
)
from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from iasios.cycles import services as cycle_services
from iasios.cycles.selectors import cycle_blockers
from tests.applications import conftest as files
from tests.applications.helpers import answer_for, decided_cycle, save, submit, submitted_cycle

pytestmark = pytest.mark.django_db


def _core_answers(cycle: Cycle) -> list[Answer]:
    return list(
        Answer.objects.filter(cycle=cycle, requirement__core=True)
        .select_related("requirement__standard", "cycle__facility")
        .order_by("requirement__position")
    )


@pytest.fixture
def amending(cycle: Cycle, enrolled: Any, monkeypatch: Any) -> tuple[Cycle, Answer, Answer]:
    """A decided cycle reopened for one core requirement; returns (cycle, reopened, carried over)."""
    decided_cycle(cycle, enrolled, monkeypatch)
    reopened, kept = _core_answers(cycle)[:2]
    cycle_services.cycle_reopen_for_amendment(
        cycle=cycle,
        requirement_ids=[reopened.requirement_id],
        reasons={reopened.requirement_id: "Show the on-call rota for nights and weekends."},
    )
    cycle.refresh_from_db()
    return cycle, reopened, kept


# ----------------------------------------------------------------------------- returned


def test_returned_is_editable_and_resubmission_freezes_revision_two(cycle: Cycle, enrolled: Any) -> None:
    first = submitted_cycle(cycle, enrolled)
    assert first.number == 1
    first_hash = first.sha256
    with pytest.raises(services.CycleLocked):
        save(_core_answers(cycle)[0], enrolled.contributor, narrative="Too late")

    cycle_services.cycle_return(cycle=cycle, actor=enrolled.office, reason="1a needs the signed organisation chart.")
    answer = _core_answers(cycle)[0]
    save(answer, enrolled.contributor, narrative="Organisation chart signed by the director.")
    extended = Answer.objects.filter(cycle=cycle, requirement__core=False).select_related("cycle__facility").first()
    assert extended is not None
    save(extended, enrolled.contact, claim=Claim.NOT_MET)

    second = submit(cycle, enrolled.representative)
    assert second.number == 2
    assert cycle.status == CycleStatus.SUBMITTED
    assert [d.number for d in Dossier.objects.filter(cycle=cycle)] == [2, 1]
    first.refresh_from_db()
    assert first.sha256 == first_hash and dossier_verify(first)
    assert dossier_verify(second)
    assert second.sha256 != first.sha256
    assert latest_dossier(cycle) == second
    assert second.snapshot["revision"] == 2
    event = Event.objects.for_object(cycle).filter(action="dossier_frozen").order_by("-id").first()
    assert event is not None and event.data["revision"] == 2


def test_the_returned_workspace_shows_the_office_reasons(cycle: Cycle, enrolled: Any) -> None:
    submitted_cycle(cycle, enrolled)
    cycle_services.cycle_return(cycle=cycle, actor=enrolled.office, reason="The rota for 2025 is missing.")
    step = cycle_next_step(cycle)
    assert "Returned by the office" in step.headline
    assert step.detail == "The rota for 2025 is missing."
    page = enrolled.client_for("contributor").get(reverse("applications:workspace", args=[cycle.pk]))
    assert "The rota for 2025 is missing." in page.text
    assert "Check and resubmit" in page.text


# ----------------------------------------------------------------------------- amending: the service


def test_amending_opens_only_the_reopened_answers(amending: tuple[Cycle, Answer, Answer], enrolled: Any) -> None:
    cycle, reopened, kept = amending
    assert cycle.status == CycleStatus.AMENDING
    round_ = AmendmentRound.objects.get(cycle=cycle)
    assert [i.answer_id for i in round_.items.all()] == [reopened.pk]
    assert round_.items.get().reason == "Show the on-call rota for nights and weekends."

    save(reopened, enrolled.contributor, narrative="Nights and weekends are covered by two IRs.")
    with pytest.raises(services.CycleLocked, match=f"{kept.requirement.reference} is carried over"):
        save(kept, enrolled.contributor, narrative="A change nobody asked for")
    document = services.evidence_document_create(
        facility=cycle.facility,
        user=enrolled.contributor,
        data=services.DocumentInput(title="On-call rota"),
        upload=files.upload("oncall.pdf", files.pdf_bytes() + b"oncall"),
    )
    services.evidence_link(answer=reopened, document=document, user=enrolled.contributor)
    with pytest.raises(services.CycleLocked):
        services.evidence_link(answer=kept, document=document, user=enrolled.contributor)
    linked = kept.links.first()
    assert linked is not None
    with pytest.raises(services.CycleLocked):
        services.evidence_unlink(answer=kept, document=linked.document, user=enrolled.contributor)
    kept.refresh_from_db()
    assert kept.narrative != "A change nobody asked for"
    assert kept.links.count() == 1


def test_amendment_deadline_comes_from_the_programme_settings(
    amending: tuple[Cycle, Answer, Answer], enrolled: Any
) -> None:
    cycle, _reopened, _kept = amending
    months = cycle.framework.settings.resubmission_window_months
    round_ = AmendmentRound.objects.get(cycle=cycle)
    opened = Event.objects.for_object(cycle).get(action="reopen_for_amendment").created_at
    assert round_.due_at.date() >= (opened + datetime.timedelta(days=28 * months)).date()
    assert round_.due_at.date() <= (opened + datetime.timedelta(days=31 * months + 1)).date()


def test_resubmission_after_amendment_is_revision_two_with_the_round(
    amending: tuple[Cycle, Answer, Answer], enrolled: Any
) -> None:
    cycle, reopened, _kept = amending
    first = Dossier.objects.get(cycle=cycle, number=1)
    save(reopened, enrolled.contributor, claim=Claim.PARTLY_MET, narrative="Amended.")
    second = submit(cycle, enrolled.representative)
    assert (second.number, cycle.status) == (2, CycleStatus.SUBMITTED)
    assert second.snapshot["amendment"]["requirements"] == [reopened.requirement.reference]
    assert dossier_verify(first) and dossier_verify(second)
    changes = dossier_changes(first, second)
    assert [c.requirement for c in changes] == [reopened.requirement.reference]
    assert changes[0].claim_before == Claim.MET and changes[0].claim_after == Claim.PARTLY_MET


def test_submission_past_the_window_is_refused_and_the_office_closes_the_round(
    amending: tuple[Cycle, Answer, Answer], enrolled: Any, monkeypatch: Any
) -> None:
    cycle, reopened, _kept = amending
    due = AmendmentRound.objects.get(cycle=cycle).due_at
    save(reopened, enrolled.contributor, narrative="Amended, but late.")
    # The office cannot close the round while the window is open.
    with pytest.raises(TransitionNotAllowed, match="still open"):
        cycle_services.cycle_close_amendment(cycle=cycle, actor=enrolled.office)

    later = due + datetime.timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert any("resubmission window closed" in b.message for b in cycle_blockers(cycle))
    with pytest.raises(TransitionNotAllowed, match="resubmission window closed"):
        submit(cycle, enrolled.representative)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.AMENDING
    assert Dossier.objects.filter(cycle=cycle).count() == 1
    assert "closed" in cycle_next_step(cycle).headline

    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        cycle_services.cycle_close_amendment(cycle=cycle, actor=enrolled.representative)
    cycle_services.cycle_close_amendment(cycle=cycle, actor=enrolled.office)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.DECIDED
    event = Event.objects.for_object(cycle).get(action="close_amendment")
    assert event.reason


def test_reconsidering_an_amending_cycle_closes_its_round(
    amending: tuple[Cycle, Answer, Answer], enrolled: Any
) -> None:
    """An upheld appeal against "areas to amend": the round closes and nothing stays open to change."""
    cycle, reopened, _kept = amending
    cycle_services.cycle_reconsider(cycle=cycle, actor=None, reason="Appeal upheld.")
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.WITH_COMMITTEE
    event = Event.objects.for_object(cycle).get(action="reconsider")
    assert (event.from_state, event.data["closed_amendment_round"]) == ("amending", 1)
    with pytest.raises(services.CycleLocked):
        save(reopened, enrolled.contributor, narrative="Too late: the committee has the file again.")
    # A new "areas to amend" decision opens the next round.
    cycle_services.cycle_mark_decided(cycle=cycle)
    cycle_services.cycle_reopen_for_amendment(cycle=cycle, requirement_ids=[reopened.requirement_id])
    assert list(AmendmentRound.objects.filter(cycle=cycle).order_by("number").values_list("number", flat=True)) == [
        1,
        2,
    ]


def test_a_submission_just_inside_the_window_passes(
    amending: tuple[Cycle, Answer, Answer], enrolled: Any, monkeypatch: Any
) -> None:
    cycle, _reopened, _kept = amending
    due = AmendmentRound.objects.get(cycle=cycle).due_at
    monkeypatch.setattr(timezone, "now", lambda: due - datetime.timedelta(minutes=1))
    assert submit(cycle, enrolled.representative).number == 2


# ----------------------------------------------------------------------------- amending: page and API


def test_standard_page_shows_reopened_and_carried_over(amending: tuple[Cycle, Answer, Answer], enrolled: Any) -> None:
    cycle, reopened, kept = amending
    client = enrolled.client_for("contributor")
    page = client.get(reverse("applications:standard", args=[cycle.pk, reopened.requirement.standard.number])).text
    assert f'action="{reverse("applications:answer", args=[cycle.pk, reopened.pk])}"' in page
    assert "Show the on-call rota for nights and weekends." in page
    assert "Reopened: amend" in page
    if kept.requirement.standard_id == reopened.requirement.standard_id:
        assert f'action="{reverse("applications:answer", args=[cycle.pk, kept.pk])}"' not in page
    workspace = client.get(reverse("applications:workspace", args=[cycle.pk])).text
    assert "Amend this requirement by" in workspace
    assert reopened.requirement.reference in workspace


def test_posting_to_a_carried_over_answer_changes_nothing(
    amending: tuple[Cycle, Answer, Answer], enrolled: Any
) -> None:
    cycle, reopened, kept = amending
    client = enrolled.client_for("contributor")
    before = (kept.narrative, kept.revision)
    response = client.post(
        reverse("applications:answer", args=[cycle.pk, kept.pk]),
        {"claim": Claim.NOT_MET, "narrative": "Sneaky", "na_reason": "", "assignee": "", "revision": kept.revision},
        follow=True,
    )
    assert "carried over from the decided application" in response.text
    kept.refresh_from_db()
    assert (kept.narrative, kept.revision) == before
    ok = client.post(
        reverse("applications:answer", args=[cycle.pk, reopened.pk]),
        {"claim": Claim.MET, "narrative": "Amended", "na_reason": "", "assignee": "", "revision": reopened.revision},
    )
    assert ok.status_code == 302
    reopened.refresh_from_db()
    assert reopened.narrative == "Amended"


def test_api_refuses_a_carried_over_answer_in_an_amendment_round(
    amending: tuple[Cycle, Answer, Answer], enrolled: Any
) -> None:
    cycle, reopened, kept = amending
    token = token_create(user=enrolled.contributor, name="t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    from django.test import Client

    client = Client()
    url = f"/api/v1/applications/cycles/{cycle.pk}/answers/"
    refused = client.patch(
        url + f"{kept.pk}", {"revision": kept.revision, "claim": "not_met"}, content_type="application/json", **headers
    )
    assert refused.status_code == 409
    assert "carried over" in refused.json()["error"]["message"]
    accepted = client.patch(
        url + f"{reopened.pk}",
        {"revision": reopened.revision, "claim": "met", "narrative": "Amended through the API"},
        content_type="application/json",
        **headers,
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["narrative"] == "Amended through the API"


# ----------------------------------------------------------------------------- dossier_changes


def test_dossier_changes_lists_changed_claim_and_added_evidence_only(cycle: Cycle, enrolled: Any) -> None:
    first = submitted_cycle(cycle, enrolled)
    cycle_services.cycle_return(cycle=cycle, actor=enrolled.office, reason="Please update the policy and 1c.")
    answers = _core_answers(cycle)
    claim_changed, evidence_changed = answers[0], answers[1]
    save(claim_changed, enrolled.contributor, claim=Claim.PARTLY_MET)
    policy = evidence_changed.links.select_related("document").first()
    assert policy is not None
    services.evidence_revision_add(
        document=policy.document,
        user=enrolled.contributor,
        upload=files.upload("policy-v2.pdf", files.pdf_bytes() + b"v2"),
    )
    second = submit(cycle, enrolled.representative)

    changes = {c.requirement: c for c in dossier_changes(first, second)}
    # The new policy file is linked to every answer using that document.
    policy_users = {
        a.requirement.reference for a in Answer.objects.filter(cycle=cycle, links__document=policy.document)
    }
    assert set(changes) == {claim_changed.requirement.reference} | policy_users
    first_change = changes[claim_changed.requirement.reference]
    assert (first_change.claim_before, first_change.claim_after) == (Claim.MET, Claim.PARTLY_MET)
    evidence = changes[evidence_changed.requirement.reference]
    assert not evidence.claim_changed and not evidence.narrative_changed
    new_sha = policy.document.revisions.order_by("-number").first().sha256  # type: ignore[union-attr]
    assert [e.sha256 for e in evidence.evidence_added] == [new_sha]
    assert len(evidence.evidence_removed) == 1 and evidence.evidence_removed[0].sha256 != new_sha
    unchanged = answer_for(cycle, answers[-1].requirement.reference)
    if unchanged.requirement.reference not in policy_users:
        assert unchanged.requirement.reference not in changes
    assert dossier_changes(second, second) == []


def test_changes_page_and_api(cycle: Cycle, enrolled: Any) -> None:
    submitted_cycle(cycle, enrolled)
    cycle_services.cycle_return(cycle=cycle, actor=enrolled.office, reason="Fix 1a.")
    answer = _core_answers(cycle)[0]
    save(answer, enrolled.contributor, narrative="A better narrative.")
    submit(cycle, enrolled.representative)
    page = enrolled.client_for("office").get(reverse("applications:changes", args=[cycle.pk]))
    assert page.status_code == 200
    assert "A better narrative." in page.text
    assert f"change-{answer.requirement.reference}" in page.text
    token = token_create(user=enrolled.office, name="t")[1]
    from django.test import Client

    body = (
        Client()
        .get(
            f"/api/v1/applications/cycles/{cycle.pk}/changes?from=1&to=2",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        .json()
    )
    assert [c["requirement"] for c in body] == [answer.requirement.reference]
    assert body[0]["narrative_changed"] is True
    listing = Client().get(f"/api/v1/applications/cycles/{cycle.pk}/dossiers", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert [d["number"] for d in listing.json()] == [2, 1]
    assert all(d["verified"] for d in listing.json())
