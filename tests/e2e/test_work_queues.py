"""Each role's home is a work queue (issue 11): the facility's home at several states, read in
Chromium, and the office's home with its counts linking to their lists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from iasios.accounts.roles import ProgrammeRoleName
from iasios.assessment.models import EvidenceRequest
from iasios.decisions.models import Award
from iasios.demo.seed import DEMO_PASSWORD
from tests import factories
from tests.e2e.test_onboarding import log_in
from tests.site.states import build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def next_step(page: Page) -> Any:
    return page.locator("section.next-step")


@pytest.mark.parametrize("state", ["enrolled", "in_assessment", "amending", "accredited", "suspended"])
def test_the_facility_home_says_what_to_do_next(page: Page, shoot: Any, framework: Any, state: str) -> None:
    facility, rep, _panel = build(state)
    log_in(page, rep.email, DEMO_PASSWORD)
    # The dashboard's card leads to the facility's home.
    card = page.locator(".facility-card").filter(has_text=facility.name)
    card.get_by_role("link", name="What to do next").click()
    expect(page.get_by_role("heading", name=facility.name, level=1)).to_be_visible()
    step = next_step(page)

    if state == "enrolled":
        expect(step.get_by_role("heading")).to_have_text("Start your application")
        step.get_by_role("link", name="Start an application").click()
        expect(page).to_have_url(re.compile(r"/applications/$"))
    elif state == "in_assessment":
        request = EvidenceRequest.objects.get(cycle__facility=facility, status="open")
        expect(step.get_by_role("heading")).to_contain_text("Answer the assessors' evidence request by")
        expect(page.get_by_role("region", name="Open evidence requests")).to_contain_text("10c")
        shoot(f"work-facility-{state}")
        step.get_by_role("link", name="Answer the request").click()
        expect(page).to_have_url(re.compile(rf"/request/{request.pk}/$"))
    elif state == "amending":
        expect(step.get_by_role("heading")).to_contain_text("Amend these 2 requirements by")
        expect(page.get_by_role("region", name="Decision and award")).to_contain_text("Areas to amend")
        shoot(f"work-facility-{state}")
        step.get_by_role("link", name="Open the application").click()
        expect(page).to_have_url(re.compile(r"/applications/cycle/"))
    else:
        award = Award.objects.get(facility=facility, status__in=["valid", "suspended"])
        region = page.get_by_role("region", name="Decision and award")
        expect(region.get_by_role("link", name="Certificate (PDF)")).to_have_attribute(
            "href", f"/certificates/{award.pk}/certificate.pdf"
        )
        expect(page.locator(".facility-head .badge")).to_have_text(
            "Accredited Centre · suspended" if state == "suspended" else "Accredited Centre"
        )
        expect(page.get_by_role("img", name=re.compile("^Seal: Accredited Centre"))).to_be_visible()
        shoot(f"work-facility-{state}")
        region.get_by_role("link", name="Verification page").click()
        expect(page.get_by_text(facility.name).first).to_be_visible()


def test_the_office_home_counts_what_waits_and_links_its_list(page: Page, shoot: Any, framework: Any) -> None:
    factories.make_facility(name="Waiting Registration IO")
    office = factories.make_staff(ProgrammeRoleName.OFFICE, mfa=False, name="Olga Office")
    secret = factories.enable_totp(office)
    log_in(page, office.email, factories.PASSWORD, totp_secret=secret)
    expect(page.get_by_role("heading", name="Waiting on the office")).to_be_visible()
    page.get_by_role("link", name="Programme office").first.click()
    queue = page.get_by_role("region", name="Waiting on the office")
    line = queue.get_by_role("link", name=re.compile(r"^1 Registrations to confirm"))
    expect(line).to_be_visible()
    shoot("work-office-home")
    line.click()
    expect(page).to_have_url(re.compile(r"/office/facilities/\?status=registered$"))
    expect(page.get_by_role("link", name="Waiting Registration IO")).to_be_visible()
