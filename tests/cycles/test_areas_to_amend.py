"""Areas to amend are what the committee decides: the vote form's list (the assessors' flagged
requirements ticked, core first), the decision reopening exactly the agreed list, the letter
naming it, and the next revision carrying every other answer unchanged."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from iasios.accounts.roles import ProgrammeRoleName
from iasios.applications import services as application_services
from iasios.applications.models import AmendmentItem, Answer, Claim, Cycle, CycleStatus
from iasios.assessment import selectors as assessment_selectors
from iasios.cycles import services as cycle_services
from iasios.decisions import selectors as decision_selectors
from iasios.decisions.letters import decision_letter_html, decision_letter_pdf
from iasios.decisions.models import Decision, Outcome
from tests import factories
from tests.applications.helpers import save, submit, submitted_cycle
from tests.decisions.conftest import recommended

pytestmark = pytest.mark.django_db


def _answers(cycle: Cycle) -> list[Answer]:
    return list(
        Answer.objects.filter(cycle=cycle)
        .select_related("requirement__standard", "cycle__facility")
        .order_by("requirement__position")
    )


@pytest.fixture
def with_committee(cycle: Cycle, enrolled: Any, monkeypatch: pytest.MonkeyPatch) -> tuple[Cycle, list[Answer]]:
    """A submitted cycle with the committee; the assessors flagged an extended and two core requirements."""
    submitted_cycle(cycle, enrolled)
    monkeypatch.setattr(assessment_selectors, "recommendation_ready", lambda c: True)
    cycle_services.cycle_start_assessment(cycle=cycle, actor=enrolled.office)
    cycle_services.cycle_send_to_committee(cycle=cycle, actor=enrolled.office)
    answers = _answers(cycle)
    core = [a for a in answers if a.requirement.core]
    extended = [a for a in answers if not a.requirement.core]
    flagged = [extended[0], core[0], core[1]]
    recommendation = recommended(Outcome.AREAS_TO_AMEND, flagged=tuple(a.requirement_id for a in flagged))
    monkeypatch.setattr(decision_selectors, "recommendation_for", lambda cycle, today=None: recommendation)
    cycle.refresh_from_db()
    return cycle, flagged


def _member_client(member: Any) -> Client:
    client = Client()
    client.force_login(member)
    return client


def test_the_vote_form_ticks_the_flagged_requirements_core_first(
    with_committee: tuple[Cycle, list[Answer]], enrolled: Any
) -> None:
    cycle, flagged = with_committee
    page = enrolled.client_for("committee").get(reverse("committee:cycle", args=[cycle.pk])).content.decode()
    ticked = re.findall(r'name="areas" value="([^"]+)" id="[^"]+" checked', page)
    extended, core_a, core_b = (a.requirement.reference for a in flagged)
    assert ticked == [core_a, core_b, extended]  # core first, then in the framework's order
    unticked = re.findall(r'name="areas" value="([^"]+)" id="[^"]+">', page)
    assert len(unticked) == len(_answers(cycle)) - 3  # every other requirement can be added


def test_a_round_reopens_exactly_the_one_requirement_the_committee_agreed(
    with_committee: tuple[Cycle, list[Answer]], enrolled: Any
) -> None:
    cycle, flagged = with_committee
    kept = flagged[1]  # the committee keeps one flagged core requirement and drops the other two
    members = [enrolled.committee] + [factories.make_staff(ProgrammeRoleName.COMMITTEE) for _ in range(2)]
    url = reverse("committee:cycle", args=[cycle.pk])
    for member in members:
        response = _member_client(member).post(
            url, {"outcome": Outcome.AREAS_TO_AMEND, "areas": [kept.requirement.reference], "comment": ""}
        )
        assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.AMENDING
    assert [i.answer_id for i in AmendmentItem.objects.filter(round__cycle=cycle)] == [kept.pk]
    decision = Decision.objects.get(cycle=cycle)
    assert list(decision.areas_to_amend.all()) == [kept.requirement]
    letter = decision_letter_html(decision)  # the letter lists the agreed area, not the dropped ones
    assert f"<td>{kept.requirement.reference} (core)</td>" in letter
    assert all(f"<td>{a.requirement.reference}" not in letter for a in flagged if a.pk != kept.pk)
    assert decision_letter_pdf(decision).startswith(b"%PDF")

    first = {a["requirement"]: a for a in cycle.dossiers.get(number=1).snapshot["answers"]}
    other = next(a for a in _answers(cycle) if a.pk != kept.pk and a.requirement.core)
    with pytest.raises(application_services.CycleLocked):
        save(other, enrolled.contributor, narrative="Not reopened")
    save(
        Answer.objects.select_related("cycle__facility").get(pk=kept.pk),
        enrolled.contributor,
        claim=Claim.MET,
        narrative="The amended rota",
    )
    second = {a["requirement"]: a for a in submit(cycle, enrolled.representative).snapshot["answers"]}
    assert second[kept.requirement.reference]["narrative"] == "The amended rota"
    changed = [ref for ref in first if first[ref] != second[ref]]
    assert changed == [kept.requirement.reference]  # everything else carried over unchanged


def test_the_vote_needs_a_ticked_requirement_and_ignores_the_list_for_other_outcomes(
    with_committee: tuple[Cycle, list[Answer]], enrolled: Any
) -> None:
    cycle, flagged = with_committee
    client = enrolled.client_for("committee")
    url = reverse("committee:cycle", args=[cycle.pk])
    response = client.post(url, {"outcome": Outcome.AREAS_TO_AMEND})
    assert response.status_code == 400
    assert "Tick at least one requirement" in response.content.decode()
    refs = [a.requirement.reference for a in flagged]
    assert client.post(url, {"outcome": Outcome.NOT_ACCREDITED, "areas": refs}).status_code == 302
    vote = Decision.objects.get(cycle=cycle).votes.get()
    assert vote.outcome == Outcome.NOT_ACCREDITED and vote.areas == ""
