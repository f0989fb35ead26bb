"""Committee decisions: quorum and majority, the record, areas to amend, appeals, awards."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from iasios.core.models import Event
from iasios.core.refusals import Conflict
from iasios.cycles import committee
from iasios.decisions import services
from iasios.decisions.access import can_hear_appeal
from iasios.decisions.letters import appeal_letter_pdf, decision_letter_pdf
from iasios.decisions.models import Award, AwardStatus, Decision, DecisionStatus, Outcome
from iasios.decisions.selectors import current_award, full_term_completed, recertification_open
from iasios.standards.models import FrameworkVersion, Requirement
from tests.decisions.conftest import (
    DOSSIER_HASH,
    Contract,
    answered_committee_cycle,
    committee_cycle,
    decide,
    granted,
    recommended,
)

pytestmark = pytest.mark.django_db

DAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("votes", "quorum", "expected"),
    [
        (["accredited", "accredited"], 3, None),  # below the quorum
        (["accredited", "accredited", "not_accredited"], 3, "accredited"),  # 2 of 3
        (["accredited", "areas_to_amend", "not_accredited"], 3, None),  # no majority: wait
        (["accredited", "accredited", "areas_to_amend", "areas_to_amend"], 3, None),  # a tie: wait
        (["accredited", "accredited", "areas_to_amend", "areas_to_amend", "accredited"], 3, "accredited"),
        (["areas_to_amend"], 1, "areas_to_amend"),
    ],
)
def test_majority_needs_the_quorum_and_more_than_half(votes: list[str], quorum: int, expected: str | None) -> None:
    assert services.majority_outcome(votes, quorum) == expected


def test_the_vote_reaching_the_quorum_with_a_majority_takes_the_decision(
    cycle: Any, members: list[Any], contract: Contract, cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    committee.vote_cast(cycle=cycle, member=members[0], outcome=Outcome.ACCREDITED, today=DAY)
    committee.vote_cast(cycle=cycle, member=members[1], outcome=Outcome.NOT_ACCREDITED, today=DAY)
    decision = Decision.objects.get(cycle=cycle)
    assert decision.status == DecisionStatus.VOTING and contract.decided == []
    with django_capture_on_commit_callbacks(execute=True):
        committee.vote_cast(cycle=cycle, member=members[2], outcome=Outcome.ACCREDITED, comment="Fine.", today=DAY)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED
    assert decision.outcome == Outcome.ACCREDITED
    assert decision.decided_on == DAY
    assert decision.dossier_sha256 == DOSSIER_HASH
    assert decision.recommended_outcome == Outcome.ACCREDITED
    assert contract.decided == [cycle.pk]
    assert {v.member_id for v in decision.votes.all()} == {m.pk for m in members[:3]}
    assert Event.objects.for_object(decision).filter(action="take").count() == 1
    # The facility's managers hear of it, with a link.
    assert mail.outbox and f"/decisions/{decision.pk}/" in mail.outbox[-1].body
    assert sorted(mail.outbox[-1].to) == sorted([cast.representative.email, cast.contact.email])


def test_a_split_waits_and_a_changed_vote_decides(cycle: Any, members: list[Any]) -> None:
    for member, outcome in zip(members, ["accredited", "areas_to_amend", "not_accredited"], strict=False):
        committee.vote_cast(cycle=cycle, member=member, outcome=outcome, areas="1a", today=DAY)
    decision = Decision.objects.get(cycle=cycle)
    assert decision.status == DecisionStatus.VOTING
    committee.vote_cast(cycle=cycle, member=members[2], outcome="accredited", today=DAY)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED and decision.outcome == "accredited"
    assert decision.votes.count() == 3  # one vote per member: the change replaced the vote


def test_only_committee_members_vote_and_only_while_voting(cycle: Any, members: list[Any], cast: Any) -> None:
    for outsider in (cast.office, cast.assessor, cast.representative):
        with pytest.raises(PermissionDenied):
            committee.vote_cast(cycle=cycle, member=outsider, outcome="accredited")
    with pytest.raises(ValidationError):
        committee.vote_cast(cycle=cycle, member=members[0], outcome="maybe")
    decide(cycle, members, "accredited", DAY)
    with pytest.raises(Conflict):  # the cycle is no longer with the committee
        committee.vote_cast(cycle=cycle, member=members[3], outcome="accredited")


def test_conditions_of_the_winning_votes_are_recorded(cycle: Any, members: list[Any]) -> None:
    decision = decide(cycle, members, "accredited", DAY, conditions="Audit complications yearly\n- Report in 6 months")
    assert decision.conditions == ["Audit complications yearly", "Report in 6 months"]


def test_areas_to_amend_reopens_the_list_the_votes_agree_on(
    cycle: Any, members: list[Any], contract: Contract, framework: FrameworkVersion
) -> None:
    requirements = list(Requirement.objects.filter(framework=framework).select_related("standard")[:3])
    contract.recommendation = recommended("areas_to_amend", flagged=(requirements[0].pk, requirements[1].pk))
    # Each vote names its whole list: the assessors flagged the first two, the members keep the
    # second and add the third; the first is reopened by nobody.
    areas = f"{requirements[1].reference} {requirements[2].reference}"
    decision = decide(cycle, members, "areas_to_amend", DAY, areas=areas)
    expected = sorted(requirements[1:], key=lambda r: (not r.core, r.position))
    assert contract.reopened == [(cycle.pk, [r.pk for r in expected])]
    assert set(decision.areas_to_amend.all()) == set(requirements[1:])
    months = framework.settings.resubmission_window_months
    assert decision.resubmit_by == date(DAY.year + months // 12, DAY.month + months % 12, DAY.day)
    assert not Award.objects.filter(decision=decision).exists()
    html_refs = decision_letter_pdf(decision)
    assert html_refs.startswith(b"%PDF")


@pytest.mark.parametrize(
    ("lists", "expected"),
    [
        (["a b", "a b", "a b"], "ab"),  # unanimous
        (["a b", "a", "a c"], "a"),  # b and c named by one of three: left out
        (["a b", "b c", "a b c"], "abc"),  # each named by two of three
        (["a", "b"], "ab"),  # two votes: half is enough, so the list is their union
        (["", "a"], "ab"),  # a vote naming none stands for the flagged list (a, b)
    ],
)
def test_the_agreed_list_is_what_at_least_half_of_the_votes_name(
    cycle: Any, framework: FrameworkVersion, lists: list[str], expected: str
) -> None:
    requirements = list(Requirement.objects.filter(framework=framework).select_related("standard")[:3])
    refs = dict(zip("abc", requirements, strict=True))

    def vote(letters: str) -> Any:
        return type("V", (), {"areas": " ".join(refs[x].reference for x in letters.split())})()

    agreed = services.agreed_areas(cycle, [vote(x) for x in lists], flagged=[refs["a"].pk, refs["b"].pk])
    assert set(agreed) == {refs[x].pk for x in expected}
    core_first = [Requirement.objects.get(pk=pk).core for pk in agreed]
    assert core_first == sorted(core_first, reverse=True)


def test_votes_that_agree_on_no_requirement_do_not_decide(cycle: Any, members: list[Any], contract: Contract) -> None:
    requirements = list(Requirement.objects.filter(framework=cycle.framework).select_related("standard")[:3])
    contract.recommendation = recommended("areas_to_amend", flagged=(requirements[0].pk,))
    for member, requirement in zip(members[:2], requirements, strict=False):
        committee.vote_cast(
            cycle=cycle, member=member, outcome="areas_to_amend", areas=requirement.reference, today=DAY
        )
    with pytest.raises(Conflict):  # the third names yet another: none is named by half of the three
        committee.vote_cast(
            cycle=cycle, member=members[2], outcome="areas_to_amend", areas=requirements[2].reference, today=DAY
        )
    decision = Decision.objects.get(cycle=cycle)
    assert decision.status == DecisionStatus.VOTING and decision.votes.count() == 2 and contract.reopened == []


def test_areas_to_amend_needs_areas_and_known_references(cycle: Any, members: list[Any], contract: Contract) -> None:
    contract.recommendation = recommended("areas_to_amend")
    with pytest.raises(ValidationError) as exc:
        committee.vote_cast(cycle=cycle, member=members[0], outcome="areas_to_amend")
    assert "areas" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        committee.vote_cast(cycle=cycle, member=members[0], outcome="areas_to_amend", areas="99z")
    assert "99z" in str(exc.value)


def test_decision_letter_lists_areas_and_the_deadline(cycle: Any, members: list[Any], contract: Contract) -> None:
    from iasios.decisions.letters import decision_letter_html

    requirement = Requirement.objects.filter(framework=cycle.framework).select_related("standard").first()
    contract.recommendation = recommended("areas_to_amend", flagged=(requirement.pk,))
    decision = decide(cycle, members, "areas_to_amend", DAY)
    html = decision_letter_html(decision)
    assert requirement.reference in html
    assert decision.resubmit_by.strftime("%-d %B %Y") in html
    assert (DAY + timedelta(days=30)).strftime("%-d %B %Y") in html  # the appeal deadline


# ----------------------------------------------------------------------------- appeals


def test_the_appeal_window_is_counted_from_the_decision(cycle: Any, members: list[Any], cast: Any) -> None:
    decision = decide(cycle, members, "not_accredited", DAY)
    window = cycle.framework.settings.appeal_window_days
    late = DAY + timedelta(days=window + 1)
    assert services.appeal_refusal(decision, late)
    with pytest.raises(ValidationError):
        services.appeal_lodge(decision=decision, user=cast.representative, grounds="Unfair.", today=late)
    with pytest.raises(PermissionDenied):
        services.appeal_lodge(decision=decision, user=cast.contact, grounds="Unfair.", today=DAY)
    with pytest.raises(ValidationError):
        services.appeal_lodge(decision=decision, user=cast.representative, grounds="  ", today=DAY)
    appeal = services.appeal_lodge(
        decision=decision, user=cast.representative, grounds="Unfair.", today=DAY + timedelta(days=window)
    )
    assert appeal.status == "lodged"
    with pytest.raises(ValidationError):  # one appeal per decision
        services.appeal_lodge(decision=decision, user=cast.representative, grounds="Again.", today=DAY)


def test_appeal_documents_come_from_the_facility_library(cycle: Any, members: list[Any], cast: Any) -> None:
    from iasios.applications.models import EvidenceDocument

    decision = decide(cycle, members, "not_accredited", DAY)
    own = EvidenceDocument.objects.create(facility=cast.facility, title="Audit 2025")
    foreign = EvidenceDocument.objects.create(facility=cast.other_facility, title="Not ours")
    with pytest.raises(ValidationError):
        services.appeal_lodge(
            decision=decision, user=cast.representative, grounds="x", document_ids=[foreign.pk], today=DAY
        )
    appeal = services.appeal_lodge(
        decision=decision, user=cast.representative, grounds="x", document_ids=[own.pk], today=DAY
    )
    assert list(appeal.documents.all()) == [own]


def test_voters_do_not_hear_the_appeal(cycle: Any, members: list[Any], cast: Any) -> None:
    decision = decide(cycle, members, "not_accredited", DAY)
    appeal = services.appeal_lodge(decision=decision, user=cast.representative, grounds="Unfair.", today=DAY)
    for voter in members[:3]:
        assert not can_hear_appeal(voter, appeal)
        with pytest.raises(PermissionDenied):
            committee.appeal_decide(appeal=appeal, member=voter, upheld=True, reasons="x")
    assert can_hear_appeal(members[3], appeal)
    assert not can_hear_appeal(cast.office, appeal)


def test_an_upheld_appeal_sets_aside_and_a_new_round_excludes_the_voters(
    cycle: Any, members: list[Any], cast: Any, contract: Contract
) -> None:
    decision = decide(cycle, members, "accredited", DAY)
    award = decision.award
    appeal = services.appeal_lodge(decision=decision, user=cast.representative, grounds="Unfair.", today=DAY)
    committee.appeal_decide(appeal=appeal, member=members[3], upheld=True, reasons="The ratings were misread.")
    decision.refresh_from_db()
    award.refresh_from_db()
    assert decision.status == DecisionStatus.SET_ASIDE
    assert award.status == AwardStatus.WITHDRAWN
    assert [(c, a) for c, a, _r in contract.reconsidered] == [(cycle.pk, members[3])]
    new_round = Decision.objects.get(cycle=cycle, status=DecisionStatus.VOTING)
    assert new_round.round == 2
    assert set(new_round.excluded_members.all()) == set(members[:3])
    with pytest.raises(PermissionDenied):
        committee.vote_cast(cycle=cycle, member=members[0], outcome="accredited")
    # The cycle's two other members and a new one decide.
    extra = __import__("tests.factories", fromlist=["make_staff"]).make_staff("committee")
    for member in (members[3], members[4], extra):
        committee.vote_cast(cycle=cycle, member=member, outcome="areas_to_amend", areas="1a", today=DAY)
    assert Decision.objects.get(cycle=cycle, round=2).status == DecisionStatus.DECIDED
    assert appeal_letter_pdf(appeal).startswith(b"%PDF")


def test_an_upheld_appeal_after_accredited_goes_back_through_the_applications_service(
    cast: Any, framework: FrameworkVersion, members: list[Any], assessment_only: Contract
) -> None:
    cycle = answered_committee_cycle(cast.facility, framework, cast.representative)
    decision = decide(cycle, members, "accredited", DAY)
    cycle.refresh_from_db()
    assert cycle.status == "decided"
    appeal = services.appeal_lodge(decision=decision, user=cast.representative, grounds="Unfair.", today=DAY)
    committee.appeal_decide(appeal=appeal, member=members[3], upheld=True, reasons="The ratings were misread.")
    cycle.refresh_from_db()
    assert cycle.status == "with_committee"
    event = Event.objects.for_object(cycle).get(action="reconsider")
    assert (event.from_state, event.actor) == ("decided", members[3])
    assert "misread" in event.reason
    assert Decision.objects.get(cycle=cycle, status=DecisionStatus.VOTING).round == 2


def test_an_upheld_appeal_after_areas_to_amend_closes_the_amendment_round(
    cast: Any, framework: FrameworkVersion, members: list[Any], assessment_only: Contract
) -> None:
    from iasios.applications.models import AmendmentRound
    from iasios.applications.selectors import reopened_answer_ids

    cycle = answered_committee_cycle(cast.facility, framework, cast.representative)
    decision = decide(cycle, members, "areas_to_amend", DAY, areas="1a")
    cycle.refresh_from_db()
    assert cycle.status == "amending" and reopened_answer_ids(cycle)
    appeal = services.appeal_lodge(decision=decision, user=cast.representative, grounds="Unfair.", today=DAY)
    committee.appeal_decide(appeal=appeal, member=members[3], upheld=True, reasons="Area 1a was met.")
    cycle.refresh_from_db()
    assert cycle.status == "with_committee"
    assert reopened_answer_ids(cycle) == {}
    event = Event.objects.for_object(cycle).get(action="reconsider")
    assert (event.from_state, event.data["closed_amendment_round"]) == ("amending", 1)
    # The new round decides; "areas to amend" again opens the cycle's second amendment round.
    extra = __import__("tests.factories", fromlist=["make_staff"]).make_staff("committee")
    for member in (members[3], members[4], extra):
        committee.vote_cast(cycle=cycle, member=member, outcome="areas_to_amend", areas="2a", today=DAY)
    cycle.refresh_from_db()
    assert cycle.status == "amending"
    assert AmendmentRound.objects.filter(cycle=cycle).count() == 2


def test_lodging_an_appeal_tells_the_office_and_the_members_who_may_hear_it(
    cycle: Any, members: list[Any], cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from iasios.notifications.models import Notification

    decision = decide(cycle, members, "not_accredited", DAY)
    with django_capture_on_commit_callbacks(execute=True):
        appeal = services.appeal_lodge(decision=decision, user=cast.representative, grounds="Unfair.", today=DAY)
    rows = Notification.objects.filter(kind="decisions/email/appeal_lodged")
    assert {row.user for row in rows} == {cast.office, members[3], members[4]}
    assert all(row.link == f"/decisions/appeals/{appeal.pk}/" and "Unfair." in row.body for row in rows)


def test_the_award_is_mailed_with_the_certificate_and_its_verification(
    cycle: Any, members: list[Any], cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from iasios.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        award = decide(cycle, members, "accredited", DAY).award
    row = Notification.objects.get(kind="decisions/email/award_granted", user=cast.representative)
    assert row.link == f"/decisions/awards/{award.pk}/"
    assert f"/certificates/{award.pk}/certificate.pdf" in row.body
    assert award.certificate.verify_url in row.body and award.certificate.number in row.body
    assert Notification.objects.filter(kind="decisions/email/award_granted", user=cast.contact).exists()


def test_a_dismissed_appeal_leaves_the_decision_standing(
    cycle: Any, members: list[Any], cast: Any, contract: Contract, django_capture_on_commit_callbacks: Any
) -> None:
    decision = decide(cycle, members, "not_accredited", DAY)
    appeal = services.appeal_lodge(decision=decision, user=cast.representative, grounds="Unfair.", today=DAY)
    with django_capture_on_commit_callbacks(execute=True):
        committee.appeal_decide(appeal=appeal, member=members[4], upheld=False, reasons="The ratings stand.")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED and contract.reconsidered == []
    assert "dismissed" in mail.outbox[-1].body


# ----------------------------------------------------------------------------- awards


def test_an_award_runs_for_the_validity_setting(cast: Any, framework: FrameworkVersion, members: list[Any]) -> None:
    programme = dict(framework.programme, award_validity_months=30)
    FrameworkVersion.objects.filter(pk=framework.pk).update(programme=programme)
    award = granted(cast, FrameworkVersion.objects.get(pk=framework.pk), members, date(2026, 1, 31))
    assert (award.valid_from, award.valid_until) == (date(2026, 1, 31), date(2028, 7, 31))
    assert award.level == "accredited" and award.status == "valid"
    assert current_award(cast.facility) == award
    assert Event.objects.for_object(award).filter(action="grant").count() == 1


def test_a_new_award_outside_a_recertification_supersedes_the_current_one(
    cast: Any, framework: FrameworkVersion, members: list[Any], contract: Contract
) -> None:
    # Centre of Excellence is no outcome of a first application (test_award_succession.py), and a
    # re-certification's award waits for the current one to end; any other award starts at once.
    first = granted(cast, framework, members, date(2022, 5, 1))
    services.award_suspend(award=first, actor=cast.office, reason="Complaint")
    c2 = committee_cycle(cast.facility, framework, cast.representative)
    second = decide(c2, members, "accredited", date(2026, 4, 1)).award
    first.refresh_from_db()
    assert first.status == AwardStatus.SUPERSEDED and first.status_changed_on == date(2026, 4, 1)
    assert second.level == "accredited" and second.status == AwardStatus.VALID
    assert current_award(cast.facility) == second


def test_office_suspends_reinstates_withdraws_with_a_reason(
    cast: Any, framework: FrameworkVersion, members: list[Any]
) -> None:
    from iasios.core.statemachine import TransitionNotAllowed

    award = granted(cast, framework, members)
    with pytest.raises(PermissionDenied):
        services.award_suspend(award=award, actor=cast.committee, reason="x")
    with pytest.raises(TransitionNotAllowed):
        services.award_suspend(award=award, actor=cast.office, reason=" ")
    services.award_suspend(award=award, actor=cast.office, reason="Serious incident")
    assert current_award(cast.facility) == award  # suspended is still current
    services.award_reinstate(award=award, actor=cast.office, reason="Resolved")
    services.award_withdraw(award=award, actor=cast.office, reason="Fraud")
    assert current_award(cast.facility) is None
    actions = list(Event.objects.for_object(award).order_by("id").values_list("action", "reason"))
    assert actions == [
        ("grant", ""),
        ("suspend", "Serious incident"),
        ("reinstate", "Resolved"),
        ("withdraw", "Fraud"),
    ]


def test_award_sweep_expires_once(cast: Any, framework: FrameworkVersion, members: list[Any]) -> None:
    award = granted(cast, framework, members, date(2020, 1, 15))
    call_command("award_sweep", "--today", "2024-01-15", verbosity=0)
    award.refresh_from_db()
    assert award.status == AwardStatus.VALID  # the last day of the term
    call_command("award_sweep", "--today", "2024-01-16", verbosity=0)
    call_command("award_sweep", "--today", "2024-01-17", verbosity=0)
    award.refresh_from_db()
    assert award.status == AwardStatus.EXPIRED
    assert Event.objects.for_object(award).filter(action="expire").count() == 1


def test_full_term_and_the_recertification_window(cast: Any, framework: FrameworkVersion, members: list[Any]) -> None:
    assert not full_term_completed(cast.facility, date(2030, 1, 1))
    award = granted(cast, framework, members, date(2020, 6, 1))  # until 2024-06-01; window opens 2023-06-01
    assert not recertification_open(cast.facility, date(2023, 5, 31))
    assert recertification_open(cast.facility, date(2023, 6, 1))
    assert not full_term_completed(cast.facility, date(2023, 5, 31))
    assert full_term_completed(cast.facility, date(2023, 6, 1))
    services.award_suspend(award=award, actor=cast.office, reason="x")
    assert not full_term_completed(cast.facility, date(2023, 6, 1))
    services.award_withdraw(award=award, actor=cast.office, reason="x")
    assert not full_term_completed(cast.facility, date(2030, 1, 1))
    assert not recertification_open(cast.facility, date(2023, 6, 1))


def test_corrective_actions_are_recorded_and_verified_by_the_office(cycle: Any, members: list[Any], cast: Any) -> None:
    decision = decide(cycle, members, "accredited", DAY)
    with pytest.raises(PermissionDenied):
        services.action_add(decision=decision, actor=cast.committee, description="x", owner="y", due_on=DAY)
    with pytest.raises(ValidationError):
        services.action_add(
            decision=decision, actor=cast.office, description="x", owner="y", due_on=DAY - timedelta(days=1)
        )
    action = services.action_add(
        decision=decision, actor=cast.office, description="Grade complications", owner="Head of IR", due_on=DAY
    )
    services.action_verify(action=action, actor=cast.office, note="Seen the audit")
    action.refresh_from_db()
    assert action.status == "verified" and action.verified_by == cast.office
    assert action.verification_note == "Seen the audit"


def test_a_refused_corrective_action_keeps_what_the_office_typed(cycle: Any, members: list[Any], cast: Any) -> None:
    from django.urls import reverse

    from iasios.decisions.models import CorrectiveAction

    decision = decide(cycle, members, "accredited", DAY)
    client = cast.client_for("office")
    url = reverse("office_decisions:action_add", args=[decision.pk])
    early = (DAY - timedelta(days=1)).isoformat()
    response = client.post(url, {"description": "Audit the rota", "owner": "Head of IR", "due_on": early})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The due date cannot be before the decision." in html and "Audit the rota" in html
    assert not CorrectiveAction.objects.filter(decision=decision).exists()
    response = client.post(url, {"description": "Audit the rota", "owner": "Head of IR", "due_on": DAY.isoformat()})
    assert response.status_code == 302
    assert CorrectiveAction.objects.filter(decision=decision, description="Audit the rota").exists()


def test_one_current_award_per_facility_is_a_database_rule(
    cast: Any, framework: FrameworkVersion, members: list[Any]
) -> None:
    from django.db import IntegrityError, transaction

    award = granted(cast, framework, members)
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.create(
            facility=award.facility,
            cycle=award.cycle,
            decision=Decision.objects.create(cycle=award.cycle, round=9, status="decided"),
            level="accredited",
            valid_from=award.valid_from,
            valid_until=award.valid_until,
        )
