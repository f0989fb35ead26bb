"""Re-certification in the browser, on the demo's setup built through the services with past dates:
a centre accredited 40 months ago on the earlier standards starts its re-certification aiming for
Centre of Excellence, confirms the carried-over answers (a reworded requirement shows its diff),
submits; the assessors find every requirement met; the committee decides Centre of Excellence,
and the new award starts the day after the current one ends, pending until then."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.applications.models import Cycle, CycleKind, CycleStatus
from iasios.cycles import committee as cycle_committee
from iasios.decisions.models import Award, AwardStatus, Outcome
from iasios.demo.awards import Panel, assessor_profile, to_committee
from iasios.demo.cycles import complete_case_review
from iasios.demo.recertification import in_window
from iasios.facilities.models import Facility, FacilityStatus
from tests import factories
from tests.e2e.test_onboarding import field, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FACILITY = "Loire Interventional Oncology Centre"


def _staff(role: str, name: str) -> tuple[object, str]:
    user = factories.make_staff(role, mfa=False, name=name)
    return user, factories.enable_totp(user)


def _panel() -> tuple[Panel, str]:
    office = factories.make_staff(ProgrammeRoleName.OFFICE, name="Olivia Office")
    assessors = (
        factories.make_staff(ProgrammeRoleName.ASSESSOR, name="Anders Assessor"),
        factories.make_staff(ProgrammeRoleName.ASSESSOR, name="Beatriz Assessor"),
    )
    assessor_profile(assessors[0], office, "NL", "Amsterdam Medical Centre", "Dutch, English")
    assessor_profile(assessors[1], office, "PT", "Hospital de Santa Maria", "Portuguese, English")
    members = [_staff(ProgrammeRoleName.COMMITTEE, f"Member {n}") for n in range(3)]
    panel = Panel(office=office, assessors=assessors, committee=tuple(m for m, _ in members))  # type: ignore[arg-type]
    return panel, members[-1][1]


def _confirm_core_answers(page: Page, cycle: Cycle) -> int:
    """On each standard's page, confirm every carried-over core answer as it is."""
    confirmed = 0
    for number in range(1, 14):
        page.goto(f"/applications/cycle/{cycle.pk}/standard/{number}/")
        core_to_confirm = page.locator("article.answer-card.answer-carried").filter(has=page.locator(".badge-core"))
        while core_to_confirm.count():
            core_to_confirm.first.get_by_role("button", name="Confirm as it is").click()
            expect(page.get_by_text(re.compile(r"^Confirmed \w+ as carried over\.$"))).to_be_visible()
            confirmed += 1
    return confirmed


def test_recertification_from_start_to_a_decided_centre_of_excellence(
    page: Page, new_page: Callable[..., Page]
) -> None:
    # ------------------------------------------------------------------ the demo's centre, in its window
    panel, last_member_secret = _panel()
    facility = factories.make_facility(name=FACILITY, country="FR", city="Nantes")
    Facility.objects.filter(pk=facility.pk).update(status=FacilityStatus.ENROLLED)
    facility.refresh_from_db()
    rep = factories.make_member(facility, FacilityRoleName.AUTHORISED_REPRESENTATIVE, name="Camille Martin")
    in_window(facility, rep, panel, factories.PASSWORD)
    current = Award.objects.get(facility=facility, status=AwardStatus.VALID)

    # ------------------------------------------------------------------ 1. start, aiming for Centre of Excellence
    log_in(page, rep.email, factories.PASSWORD)
    page.goto("/applications/")
    page.get_by_role("link", name="Start re-certification").click()
    expect(page.get_by_role("heading", name="Start the re-certification")).to_be_visible()
    expect(
        page.get_by_text(f"Your current award runs until {date_format(current.valid_until, 'DATE_FORMAT')}")
    ).to_be_visible()
    page.get_by_role("radio", name=re.compile("^Centre of Excellence")).check()
    page.get_by_role("button", name="Start the re-certification").click()
    expect(page.get_by_text("Your re-certification has started from your last application.")).to_be_visible()
    cycle = Cycle.objects.get(facility=facility, kind=CycleKind.RECERTIFICATION)
    assert cycle.aim == "centre_of_excellence" and cycle.framework.version == "2026.1"

    # ------------------------------------------------------------------ 2. carried over: confirm or change
    page.goto(f"/applications/cycle/{cycle.pk}/standard/1/")
    one_a = page.locator("article#req-1a")
    expect(one_a.get_by_text("Carried over: confirm or change")).to_be_visible()
    expect(one_a.get_by_text("Reworded in these standards")).to_be_visible()
    expect(one_a.locator(".wording-diff ins").first).to_be_visible()
    expect(one_a.locator(".wording-diff del").first).to_be_visible()
    assert _confirm_core_answers(page, cycle) == cycle.answers.filter(requirement__core=True).count()
    complete_case_review(cycle, rep)  # the case review's own pages are another test's story

    # ------------------------------------------------------------------ 3. submit
    page.goto(f"/applications/cycle/{cycle.pk}/submit/")
    page.get_by_label("I sign the declaration above.").check()
    field(page, "Your password").fill(factories.PASSWORD)
    page.get_by_role("button", name=re.compile("^Sign and submit")).click()
    expect(page.get_by_text("Your application is submitted. The dossier is frozen.")).to_be_visible()

    # ------------------------------------------------------------------ 4. assessed: every requirement met
    to_committee(cycle, panel)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.WITH_COMMITTEE

    # ------------------------------------------------------------------ 5. the committee decides Centre of Excellence
    for member in panel.committee[:-1]:
        cycle_committee.vote_cast(cycle=cycle, member=member, outcome=Outcome.CENTRE_OF_EXCELLENCE)
    committee_page = new_page()
    log_in(committee_page, panel.committee[-1].email, factories.PASSWORD, totp_secret=last_member_secret)
    committee_page.goto(f"/committee/cycles/{cycle.pk}/")
    expect(committee_page.locator("#rec-title + p.decision-outcome")).to_have_text("Centre of Excellence")
    committee_page.get_by_role("radio", name="Centre of Excellence", exact=True).check()
    committee_page.get_by_role("button", name="Cast my vote").click()
    expect(committee_page.get_by_text("Your vote is recorded and completes the decision.")).to_be_visible()

    # ------------------------------------------------------------------ 6. the award follows the current one
    award = Award.objects.get(facility=facility, status=AwardStatus.PENDING)
    assert award.level == "centre_of_excellence"
    assert award.valid_from == current.valid_until + timedelta(days=1)
    current.refresh_from_db()
    assert current.status == AwardStatus.VALID  # the current seal stays in force until its term ends
    page.goto("/applications/")
    starts = date_format(award.valid_from, "DATE_FORMAT")
    expect(page.get_by_text(f"Re-certified: Centre of Excellence, in force from {starts}.")).to_be_visible()
    page.goto(f"/applications/facility/{facility.pk}/recertify/")
    expect(
        page.get_by_text(f"The re-certification is decided: Centre of Excellence, in force from {starts}.")
    ).to_be_visible()
