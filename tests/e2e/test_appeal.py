"""An appeal that can always be heard, in Chromium (issue 14): lodged by the facility, a panel
appointed by the office (after granting the role "for appeals only" from its people pages), heard
by the panel and upheld; the award is withdrawn on the verification page at once and the cycle is
back with the committee in a new round where an earlier voter cannot vote.

The services build the decided cycle (three committee members vote "accredited": the quorum);
the browser drives each step a person takes.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from iasios.accounts.models import ProgrammeRole
from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.cycles import committee
from iasios.decisions.models import Appeal, AppealStatus, AwardStatus, Decision, DecisionStatus
from tests import factories
from tests.decisions.conftest import answered_committee_cycle
from tests.e2e.test_lifecycle import staff
from tests.e2e.test_onboarding import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FACILITY = "Unità di Radiologia Interventistica Oncologica"
VOTER_READS = "You took part in this decision, so you cannot hear its appeal"


def test_lodge_appoint_hear_uphold_and_a_new_round_without_the_voters(
    page: Page, new_page: Any, framework: Any, shoot: Any
) -> None:
    facility = factories.make_facility(name=FACILITY, country="IT", city="Milano")
    rep = factories.make_member(facility, FacilityRoleName.AUTHORISED_REPRESENTATIVE, name="Rita Rappresentante")
    office, office_secret = staff(ProgrammeRoleName.OFFICE, "Olga Office")
    voters = [staff(ProgrammeRoleName.COMMITTEE, f"Voter {n}") for n in (1, 2, 3)]
    hearer, _secret = staff(ProgrammeRoleName.COMMITTEE, "Hana Hearer")
    # Two people with accounts and an authenticator, who hold no role yet: the office grants it.
    newcomers = [factories.make_user(f"panel{n}@example.org", name=f"Panel Member {n}") for n in (1, 2)]
    secrets = [factories.enable_totp(user) for user in newcomers]

    cycle = answered_committee_cycle(facility, framework, rep)
    for voter, _secret in voters:
        committee.vote_cast(cycle=cycle, member=voter, outcome="accredited")
    decision = Decision.objects.get(cycle=cycle)
    award = decision.award
    assert award.status == AwardStatus.VALID

    # ------------------------------------------------------------------ 1. the facility lodges the appeal
    rep_page = new_page()
    log_in(rep_page, rep.email, factories.PASSWORD)
    rep_page.goto(f"/decisions/{decision.pk}/")
    rep_page.get_by_role("link", name="Lodge an appeal").click()
    rep_page.get_by_label("Grounds of the appeal").fill("The assessors misread our complication audit.")
    rep_page.get_by_role("button", name="Lodge the appeal").click()
    expect(rep_page.get_by_text("Your appeal is lodged.")).to_be_visible()
    appeal = Appeal.objects.get(decision=decision)

    # ------------------------------------------ 2. the office grants the role and appoints the panel
    log_in(page, office.email, factories.PASSWORD, totp_secret=office_secret)
    page.goto("/office/decisions/")
    page.get_by_role("region", name="Appeals lodged").get_by_role("link", name=FACILITY).click()
    panel = page.get_by_role("region", name="Appeal panel")
    expect(panel).to_contain_text("Only 1 member may sit on this panel; the quorum is 3.")
    shoot("appeal-panel-short")
    for newcomer in newcomers:
        panel.get_by_role("link", name="Grant the role “Committee member for appeals only” to more people").click()
        page.get_by_label("E-mail or name").fill(newcomer.email)
        page.get_by_role("button", name="Search").click()
        page.get_by_role("link", name=newcomer.email).click()
        page.get_by_label("Role to grant").select_option(label="Committee member for appeals only")
        page.get_by_role("button", name="Grant").click()
        expect(page.get_by_text(f"{newcomer.name} is now Committee member for appeals only.")).to_be_visible()
        expect(page.get_by_role("region", name="Timeline")).to_contain_text("Programme role granted")
        shoot("roles-person")
        page.goto(f"/decisions/appeals/{appeal.pk}/")
    page.goto("/office/people/")
    expect(page.get_by_role("row").filter(has_text=newcomers[0].email)).to_contain_text(
        "Committee member for appeals only"
    )
    shoot("roles-list")
    page.goto(f"/decisions/appeals/{appeal.pk}/")
    panel = page.get_by_role("region", name="Appeal panel")
    expect(panel).not_to_contain_text("may sit on this panel")
    for member in (hearer, *newcomers):
        panel.get_by_label(str(member), exact=False).check()
    panel.get_by_role("button", name="Appoint the panel").click()
    expect(page.get_by_text("The panel is appointed; its members have been told.")).to_be_visible()
    shoot("appeal-panel-appointed")
    assert set(appeal.panel.all()) == {hearer, *newcomers}
    assert all(ProgrammeRole.objects.filter(user=u, role=ProgrammeRoleName.APPEALS).exists() for u in newcomers)

    # ------------------------------------------------------------------ 3. a voter reads why they cannot hear it
    voter, voter_secret = voters[0]
    voter_page = new_page()
    log_in(voter_page, voter.email, factories.PASSWORD, totp_secret=voter_secret)
    voter_page.goto("/committee/")
    entry = voter_page.locator(".decision-queue-item").filter(has_text=FACILITY)
    expect(entry).to_contain_text(VOTER_READS)
    entry.get_by_role("link", name=FACILITY).click()
    expect(voter_page.get_by_role("status").filter(has_text=VOTER_READS)).to_be_visible()
    expect(voter_page.get_by_role("button", name="Record the finding")).to_have_count(0)

    # ------------------------------------------ 4. a member for appeals only on the panel upholds it
    member = newcomers[0]
    member_page = new_page()
    log_in(member_page, member.email, factories.PASSWORD, totp_secret=secrets[0])
    member_page.goto("/committee/")
    expect(member_page.get_by_role("heading", name="Recommendations waiting for a decision")).to_have_count(0)
    item = member_page.locator(".decision-queue-item").filter(has_text=FACILITY)
    expect(item).to_contain_text("You are on the panel")
    item.get_by_role("link", name=FACILITY).click()
    member_page.get_by_role("radio", name="Upheld: the decision is set aside").check()
    member_page.get_by_label("Reasons").fill("The audit shows the complication rate within the standard.")
    member_page.get_by_role("button", name="Record the finding").click()
    expect(member_page.get_by_text("The panel's finding is recorded and the letter sent.")).to_be_visible()
    appeal.refresh_from_db()
    assert (appeal.status, appeal.heard_by) == (AppealStatus.UPHELD, member)

    # ------------------------------------------ 5. the award is withdrawn on the verification page
    award.refresh_from_db()
    assert award.status == AwardStatus.WITHDRAWN
    public = new_page()
    public.goto(f"/verify/{award.certificate.token}/")
    expect(public.get_by_role("status").locator(".verify-status")).to_have_text("Withdrawn")

    # ------------------------------------------------------------------ 6. a new round, without the earlier voters
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.SET_ASIDE
    assert Decision.objects.get(cycle=cycle, status=DecisionStatus.VOTING).round == 2
    voter_page.goto("/committee/")
    row = voter_page.locator(".decision-queue-item").filter(has_text=FACILITY).filter(has_text="Round 2")
    expect(row).to_contain_text("You may not vote (set-aside decision)")
    row.get_by_role("link", name=FACILITY).click()
    expect(
        voter_page.get_by_text("You took part in the decision set aside on appeal: you may not vote in this round.")
    ).to_be_visible()
    expect(voter_page.get_by_role("button", name="Cast my vote")).to_have_count(0)
