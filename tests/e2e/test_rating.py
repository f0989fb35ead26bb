"""Fast, calm rating in Chromium (issue 11): a rating swaps its card only, the rest of the page and
the place on it stay; the filters; the plain form without JavaScript; the committee's summary."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from iasios.accounts.roles import ProgrammeRoleName
from iasios.assessment.models import Assignment, RequirementRating
from iasios.demo import awards
from tests import factories
from tests.e2e.test_lifecycle import staff
from tests.e2e.test_onboarding import log_in
from tests.site.states import build

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _panel() -> tuple[awards.Panel, dict[str, str]]:
    """The programme's people, each with the TOTP secret to log in with."""
    office, office_secret = staff(ProgrammeRoleName.OFFICE, "Olga Office")
    first, first_secret = staff(ProgrammeRoleName.ASSESSOR, "Anna Assessor")
    second, _ = staff(ProgrammeRoleName.ASSESSOR, "Bela Assessor")
    awards.assessor_profile(first, office, "NL", "Amsterdam Medical Centre", "English")
    awards.assessor_profile(second, office, "PT", "Hospital de Santa Maria", "English")
    members = [staff(ProgrammeRoleName.COMMITTEE, f"Member {n}") for n in range(3)]
    panel = awards.Panel(office=office, assessors=(first, second), committee=tuple(m for m, _ in members))
    secrets = {first.email: first_secret, office.email: office_secret, **{m.email: s for m, s in members}}
    return panel, secrets


def _card(page: Page, reference: str) -> Any:
    return page.locator(f"article#req-{reference}")


def test_a_rating_swaps_its_card_only_and_keeps_the_place(page: Page, shoot: Any, framework: Any) -> None:
    panel, secrets = _panel()
    facility, _rep, _ = build("in_assessment", panel)
    assessor = panel.assessors[0]
    assignment = Assignment.objects.get(cycle__facility=facility, assessor=assessor)
    log_in(page, assessor.email, factories.PASSWORD, totp_secret=secrets[assessor.email])
    page.goto(f"/assessment/assignment/{assignment.pk}/review/")
    expect(page.get_by_role("heading", name="Review", level=1)).to_be_visible()
    progress = page.locator("#review-progress")
    expect(progress).to_have_text(re.compile(r"^0 of 68 requirements rated$"))
    shoot("rating-review")

    # A marker in the page and the place on it: a reload would lose both.
    page.evaluate("document.body.dataset.kept = 'yes'")
    card = _card(page, "5b")
    card.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 200)")
    before = page.evaluate("window.scrollY")
    assert before > 1000
    card.get_by_label("Met", exact=True).check()
    card.get_by_role("button", name="Save rating").click()
    expect(card.get_by_role("status")).to_have_text("Saved.")
    expect(progress).to_have_text(re.compile(r"^1 of 68 requirements rated$"))
    assert page.evaluate("document.body.dataset.kept") == "yes"
    assert abs(page.evaluate("window.scrollY") - before) < 50
    rating = RequirementRating.objects.get(
        assignment=assignment, requirement__standard__number=5, requirement__letter="b"
    )
    assert rating.rating == "met"

    # A refusal comes back on the same card, what was chosen kept, nothing saved.
    other = _card(page, "5c")
    other.get_by_label("Partly met").check()
    other.get_by_role("button", name="Save rating").click()
    expect(other.locator(".errorlist")).to_contain_text("Say what is missing")
    expect(other.get_by_label("Partly met")).to_be_checked()
    other.get_by_label("Comment").fill("The rota covers weekdays only.")
    other.get_by_role("button", name="Save rating").click()
    expect(other.get_by_role("status")).to_have_text("Saved.")
    expect(progress).to_have_text(re.compile(r"^2 of 68 requirements rated$"))
    assert page.evaluate("document.body.dataset.kept") == "yes"

    # The filters.
    page.get_by_role("link", name="Still to rate").click()
    expect(page.locator("article.review-item")).to_have_count(66)
    expect(_card(page, "5b")).to_have_count(0)
    page.get_by_role("link", name="Core", exact=True).click()
    expect(page.locator("article.review-item")).to_have_count(27)
    expect(page.get_by_role("link", name="Disagreements")).to_have_count(0)  # independence
    page.get_by_role("link", name="Every requirement").click()
    expect(page.locator("article.review-item")).to_have_count(68)


def test_without_javascript_a_rating_returns_to_its_card(new_page: Any, settings: Any, framework: Any) -> None:
    settings.MFA_TOTP_TOLERANCE = 1  # a fresh code one step ahead, as the `page` fixture allows
    panel, secrets = _panel()
    facility, _rep, _ = build("in_assessment", panel)
    assessor = panel.assessors[0]
    assignment = Assignment.objects.get(cycle__facility=facility, assessor=assessor)
    page = new_page(java_script_enabled=False)
    log_in(page, assessor.email, factories.PASSWORD, totp_secret=secrets[assessor.email])
    page.goto(f"/assessment/assignment/{assignment.pk}/review/?show=unrated")
    card = _card(page, "3a")
    card.get_by_label("Not met").check()
    card.get_by_label("Comment").fill("No written protocol.")
    card.get_by_role("button", name="Save rating").click()
    expect(page).to_have_url(re.compile(r"show=unrated.*#req-3a$"))
    expect(page.get_by_text("3a rated.")).to_be_visible()
    expect(_card(page, "3a").get_by_label("Not met")).to_be_checked()  # kept on the filtered page
    assert (
        RequirementRating.objects.get(
            assignment=assignment, requirement__standard__number=3, requirement__letter="a"
        ).comment
        == "No written protocol."
    )


def test_the_committee_reads_the_ratings_in_brief(page: Page, shoot: Any, framework: Any) -> None:
    panel, secrets = _panel()
    facility, _rep, _ = build("with_committee", panel)
    cycle = Assignment.objects.filter(cycle__facility=facility).select_related("cycle").first().cycle  # type: ignore[union-attr]
    # The second assessor saw 2a otherwise.
    RequirementRating.objects.filter(
        assignment__assessor=panel.assessors[1], requirement__standard__number=2, requirement__letter="a"
    ).update(rating="not_met", comment="No weekend cover.")
    member = panel.committee[0]
    log_in(page, member.email, factories.PASSWORD, totp_secret=secrets[member.email])
    page.goto(f"/committee/cycles/{cycle.pk}/")
    summary = page.get_by_role("region", name="Ratings in brief")
    expect(summary).to_contain_text("The assessors disagree on 1 requirement: 2a")
    expect(page.locator(".ratings-table tbody tr")).to_have_count(68)
    shoot("rating-committee")
    page.get_by_role("link", name="Disagreements only (1)").click()
    expect(page).to_have_url(re.compile(r"ratings=disagreements"))
    expect(page.locator(".ratings-table tbody tr")).to_have_count(1)
    expect(page.locator("tr#rating-2a")).to_contain_text("No weekend cover.")
    shoot("rating-committee-disagreements")
