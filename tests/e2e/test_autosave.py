"""Autosave never reports a conflict with oneself (issue 11), in Chromium.

Two sequences that went wrong: a claim picked and Save pressed at once (the plain form post raced
the autosave, sent the narrative's line breaks as CRLF where htmx sent LF, and came back as
"someone else changed this answer"); a claim picked right after a reload, before htmx had
started (no request at all). The network is held at the moment that matters, so each sequence
happens in the same order every run.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from iasios.accounts.roles import FacilityRoleName
from iasios.applications import services
from iasios.applications.models import Answer, Claim, Cycle
from iasios.cycles import services as cycle_services
from iasios.facilities.models import Facility, FacilityStatus
from tests import factories
from tests.e2e.test_onboarding import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NARRATIVE = "Our policy, section 2.\nReviewed every year by the tumour board."
CONFLICT = re.compile(r"someone else|another window", re.I)


@pytest.fixture
def draft(db: Any) -> tuple[Cycle, Answer, Any]:
    """A draft cycle whose first requirement is answered (revision 1) with a two-line narrative."""
    facility = factories.make_facility(name="Autosave Oncology Centre")
    Facility.objects.filter(pk=facility.pk).update(status=FacilityStatus.ENROLLED)
    facility.refresh_from_db()
    contributor = factories.make_member(facility, FacilityRoleName.CONTRIBUTOR, name="Chen Contributor")
    cycle = cycle_services.cycle_start(facility=facility, user=contributor)
    answer = (
        Answer.objects.filter(cycle=cycle, requirement__standard__number=1)
        .select_related("requirement")
        .order_by("requirement__position")
        .first()
    )
    assert answer is not None
    answer = services.answer_save(
        answer=answer,
        user=contributor,
        base_revision=answer.revision,
        data=services.AnswerInput(claim=Claim.MET, na_reason="", narrative=NARRATIVE, assignee_id=None),
    )
    return cycle, answer, contributor


def _card(page: Page, answer: Answer) -> Locator:
    return page.get_by_role("article", name=answer.requirement.reference, exact=True)


# Requests the page sends are held in the page until released: htmx sees them in flight.
HOLD_REQUESTS = """() => {
  window.heldRequests = [];
  const send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.send = function (body) { window.heldRequests.push(() => send.call(this, body)); };
  window.releaseRequests = () => { XMLHttpRequest.prototype.send = send; window.heldRequests.forEach((go) => go()); };
}"""


def _open(page: Page, cycle: Cycle, answer: Answer, contributor: Any) -> Locator:
    log_in(page, contributor.email, factories.PASSWORD)
    page.goto(f"/applications/cycle/{cycle.pk}/standard/1/")
    return _card(page, answer)


def test_a_claim_picked_then_saved_at_once_is_saved_without_a_conflict(page: Page, draft) -> None:
    cycle, answer, contributor = draft
    card = _open(page, cycle, answer, contributor)
    posts: list[str] = []
    page.on(
        "request", lambda r: posts.append(r.post_data or "") if r.method == "POST" and "/answer/" in r.url else None
    )
    page.evaluate(HOLD_REQUESTS)

    # The pick's autosave is still on its way when Save is pressed.
    card.get_by_label("Claim").select_option(Claim.PARTLY_MET)
    expect(card.locator("form.answer-form")).to_have_class(re.compile(r"htmx-request"))
    card.get_by_role("button", name="Save").click()
    assert page.evaluate("window.heldRequests.length") == 1  # Save waits behind it, on this page
    page.evaluate("window.releaseRequests()")

    expect(card.locator(".save-status")).to_contain_text("Saved at")
    expect(card.locator("form.answer-form")).not_to_have_class(re.compile(r"htmx-request"))
    expect(page.get_by_text(CONFLICT)).to_have_count(0)
    assert page.url.endswith("/standard/1/")
    answer.refresh_from_db()
    assert answer.claim == Claim.PARTLY_MET and answer.narrative == NARRATIVE
    # Save went second, with the revision the autosave produced: it changed nothing more.
    assert len(posts) == 2 and "revision=2" in posts[1], posts
    assert answer.revision == 2


def test_a_claim_picked_right_after_a_reload_is_autosaved(page: Page, draft) -> None:
    cycle, answer, contributor = draft
    _open(page, cycle, answer, contributor)
    # The reloaded page is usable before htmx has started: here htmx comes only after the pick.
    page.route(re.compile(r"htmx\.min\.js$"), lambda route: route.fulfill(body="", content_type="text/javascript"))
    page.reload()
    card = _card(page, answer)
    card.get_by_label("Claim").select_option(Claim.NOT_MET)
    page.unroute(re.compile(r"htmx\.min\.js$"))
    page.add_script_tag(url="/static/vendor/htmx/htmx.min.js")

    expect(card.locator(".save-status")).to_contain_text("Saved at")
    expect(page.get_by_text(CONFLICT)).to_have_count(0)
    answer.refresh_from_db()
    assert answer.claim == Claim.NOT_MET and answer.revision == 2


def test_after_a_plain_reload_the_next_pick_is_autosaved_on_the_current_revision(page: Page, draft) -> None:
    cycle, answer, contributor = draft
    card = _open(page, cycle, answer, contributor)
    card.get_by_label("Claim").select_option(Claim.PARTLY_MET)
    expect(card.locator(".save-status")).to_contain_text("revision 2")
    page.reload()
    card = _card(page, answer)
    card.get_by_label("Claim").select_option(Claim.NOT_MET)
    expect(card.locator(".save-status")).to_contain_text("revision 3")
    expect(page.get_by_text(CONFLICT)).to_have_count(0)
    answer.refresh_from_db()
    assert answer.claim == Claim.NOT_MET
