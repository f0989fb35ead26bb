"""The review page's rating: one card saved and swapped (htmx) or a redirect back to it (no
JavaScript), the filters (still to rate, core, disagreements), the facility's unanswered
requirements, and the kept fragments never showing a stale rating or another person's token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.assessment import services
from iasios.assessment.models import RequirementRating
from tests.assessment.builders import World, assign, rate_all, requirements

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _client(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def _page(client: Client, assignment: Any, query: str = "") -> str:
    response = client.get(reverse("assessment:review", args=[assignment.pk]) + query)
    assert response.status_code == 200
    return response.content.decode()


def _cards(html: str) -> list[str]:
    """The references of the cards on a page, in order."""
    return re.findall(r'<article class="card review-item[^"]*" id="req-([^"]+)"', html)


def _rate_url(assignment: Any, requirement: Any) -> str:
    return reverse("assessment:rate", args=[assignment.pk, requirement.pk])


def test_an_htmx_rating_answers_with_its_card_alone_and_saves_it(world: World) -> None:
    assignment = assign(world, world.a)
    requirement = requirements(world.cycle)[3]
    client = _client(world.a)
    response = client.post(_rate_url(assignment, requirement), {"rating": "met", "comment": ""}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<nav" not in html
    assert _cards(html) == [requirement.reference]
    assert "Saved." in html
    assert 'id="review-progress" hx-swap-oob="true"' in html
    total = len(requirements(world.cycle))
    assert f"1 of {total} requirements rated" in html
    assert RequirementRating.objects.get(assignment=assignment, requirement=requirement).rating == "met"


def test_an_htmx_rating_refused_comes_back_on_its_card_with_what_was_typed(world: World) -> None:
    assignment = assign(world, world.a)
    requirement = requirements(world.cycle)[0]
    response = _client(world.a).post(
        _rate_url(assignment, requirement), {"rating": "partly_met", "comment": ""}, headers=HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert _cards(html) == [requirement.reference]
    assert "Say what is missing or why it does not apply." in html
    assert 'value="partly_met" checked' in html
    assert "Saved." not in html
    assert not RequirementRating.objects.filter(assignment=assignment).exists()


def test_without_javascript_a_rating_redirects_to_its_card(world: World) -> None:
    assignment = assign(world, world.a)
    requirement = requirements(world.cycle)[2]
    client = _client(world.a)
    response = client.post(_rate_url(assignment, requirement), {"rating": "met", "comment": ""})
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment:review", args=[assignment.pk]) + f"#req-{requirement.reference}"
    # From a filtered page: back to the same filter, the rated card kept on it.
    response = client.post(
        _rate_url(assignment, requirement), {"rating": "met", "comment": "", "show": "unrated", "standard": "1"}
    )
    location = response["Location"]
    assert "show=unrated" in location and "standard=1" in location and f"keep={requirement.pk}" in location
    assert requirement.reference in _cards(
        _page(client, assignment, location[location.index("?") : location.index("#")])
    )
    assert requirement.reference not in _cards(_page(client, assignment, "?show=unrated&standard=1"))


def test_the_filters_show_what_is_still_to_rate_and_the_core(world: World) -> None:
    assignment = assign(world, world.a)
    all_requirements = requirements(world.cycle)
    rated = all_requirements[:5]
    for requirement in rated:
        services.rating_save(assignment=assignment, user=world.a, requirement=requirement, rating="met")
    client = _client(world.a)
    every = _cards(_page(client, assignment))
    assert every == [r.reference for r in all_requirements]
    assert _cards(_page(client, assignment, "?show=unrated")) == [r.reference for r in all_requirements[5:]]
    assert _cards(_page(client, assignment, "?show=core")) == [r.reference for r in all_requirements if r.core]
    first_standard = all_requirements[0].standard.number
    assert _cards(_page(client, assignment, f"?show=core&standard={first_standard}")) == [
        r.reference for r in all_requirements if r.core and r.standard.number == first_standard
    ]
    assert f"{len(rated)} of {len(all_requirements)} requirements rated" in _page(client, assignment, "?show=core")


def test_disagreements_only_once_ones_own_review_is_submitted(world: World) -> None:
    first = assign(world, world.a)
    second = assign(world, world.b)
    references = [r.reference for r in requirements(world.cycle)]
    rate_all(first, world.a, default="met")
    rate_all(second, world.b, default="met", **{f"r{references[1]}": "not_met", f"r{references[4]}": "partly_met"})
    client = _client(world.a)
    # Independence: before submitting, no disagreements filter and the parameter is ignored.
    html = _page(client, first, "?show=disagreements")
    assert "Disagreements</a>" not in html
    assert _cards(html) == references
    services.review_submit(assignment=first, user=world.a)
    html = _page(client, first, "?show=disagreements")
    assert "Disagreements</a>" in html
    assert _cards(html) == [references[1], references[4]]


def test_an_unanswered_requirement_reads_the_facility_has_not_answered(world: World) -> None:
    assignment = assign(world, world.a)
    answered = {a["requirement"] for a in world.dossier.snapshot["answers"] if a.get("claim")}
    unanswered = next(r for r in requirements(world.cycle) if r.reference not in answered)
    html = _page(_client(world.a), assignment)
    card = html[html.index(f'id="req-{unanswered.reference}"') :]
    card = card[: card.index("</article>")]
    assert "The facility has not answered" in card
    assert "not rated" not in card.split("Your rating")[0]
    assert "The facility says" in html  # the answered ones


def test_a_kept_card_shows_the_new_rating_and_each_page_its_own_csrf_token(world: World) -> None:
    assignment = assign(world, world.a)
    requirement = requirements(world.cycle)[0]
    one = _client(world.a, enforce_csrf_checks=True)
    html = _page(one, assignment)  # the fragments are kept now
    services.rating_save(
        assignment=assignment, user=world.a, requirement=requirement, rating="not_met", comment="No rota"
    )
    html = _page(one, assignment)
    card = html[html.index(f'id="req-{requirement.reference}"') :]
    card = card[: card.index("</article>")]
    assert 'value="not_met" checked' in card and "No rota</textarea>" in card
    # Another session gets forms with its own token, and a POST with it passes the CSRF check.
    other = _client(world.a, enforce_csrf_checks=True)
    other_html = _page(other, assignment)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', other_html)
    assert token is not None and "csrf-token-of-the-request" not in other_html
    response = other.post(
        _rate_url(assignment, requirement), {"rating": "met", "comment": "", "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302
    assert RequirementRating.objects.get(assignment=assignment, requirement=requirement).rating == "met"


def _count_post(client: Client, url: str, data: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.post(url, data, headers=HTMX).status_code == 200
    return len(queries)


def test_an_htmx_rating_costs_the_same_queries_with_more_data(world: World) -> None:
    assignment = assign(world, world.a)
    client = _client(world.a)
    all_requirements = requirements(world.cycle)
    # Both measured saves change an existing rating (a first rating inserts instead).
    services.rating_save(assignment=assignment, user=world.a, requirement=all_requirements[0], rating="met")
    small = _count_post(client, _rate_url(assignment, all_requirements[0]), {"rating": "met"})
    rate_all(assignment, world.a, default="partly_met")
    for requirement in all_requirements[:6]:
        services.evidence_request_create(assignment=assignment, user=world.a, requirement=requirement, question="More?")
    large = _count_post(client, _rate_url(assignment, all_requirements[1]), {"rating": "met"})
    assert large == small, (small, large)


def _card(html: str, reference: str) -> str:
    card = html[html.index(f'id="req-{reference}"') :]
    return card[: card.index("</article>")]


def test_a_kept_card_shows_new_requests_findings_and_the_other_rating(world: World) -> None:
    from datetime import date

    first = assign(world, world.a)
    second = assign(world, world.b)
    requirement = requirements(world.cycle)[1]
    client = _client(world.a)
    before = _card(_page(client, first), requirement.reference)  # kept now
    assert "Evidence requests" not in before and "Visit findings" not in before
    services.evidence_request_create(assignment=first, user=world.a, requirement=requirement, question="The rota?")
    visit = services.visit_save(
        cycle=world.cycle,
        actor=world.office,
        data=services.VisitInput(kind="on_site", starts_on=date(2026, 5, 4), ends_on=date(2026, 5, 5), visitors="A"),
    )
    services.visit_finding_add(visit=visit, user=world.a, requirement=requirement, text="Rota seen on the wall.")
    card = _card(_page(client, first), requirement.reference)
    assert "Evidence requests" in card and "Rota seen on the wall." in card
    rate_all(first, world.a)
    rate_all(second, world.b, **{f"r{requirement.reference}": "not_met"})
    services.review_submit(assignment=first, user=world.a)
    card = _card(_page(client, first), requirement.reference)
    assert "Other assessor" in card and "disagreement" in card
    assert f"note by {world.b.get_short_name()} on {requirement.reference}" in card
