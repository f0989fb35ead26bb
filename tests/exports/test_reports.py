"""The PDF reports: the assessor report and the readiness report, their content and who may download them."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from iasios.applications.models import Cycle
from iasios.assessment import services
from iasios.assessment.models import Assignment
from iasios.assessment.report import assessor_report, assessor_report_html, assessor_report_pdf
from iasios.cycles import services as cycle_services
from iasios.cycles.readiness import readiness_report, readiness_report_html, readiness_report_pdf
from tests.applications.conftest import _media, case_review, enrol  # noqa: F401 (autouse fixtures)
from tests.applications.helpers import fill_core
from tests.assessment.builders import World, assign, build_world, rate_all, requirements

pytestmark = pytest.mark.django_db


# ----------------------------------------------------------------------------- the assessor report


@pytest.fixture
def world(cast: Any, framework: Any) -> World:
    return build_world(cast)


@pytest.fixture
def assessed(world: World) -> Assignment:
    """The first assessor's assignment: every requirement rated, the first one partly met with a
    comment, a request asked and answered, a visit with a finding on that requirement."""
    assignment = assign(world, world.a)
    first = requirements(world.cycle)[0]
    rate_all(assignment, world.a, **{f"r{first.reference}": "partly_met"})
    request = services.evidence_request_create(
        assignment=assignment, user=world.a, requirement=first, question="Send the signed tumour board charter."
    )
    services.evidence_request_answer(request=request, user=world.cast.contributor, text="Charter attached, 2025.")
    today = timezone.localdate()
    visit = services.visit_save(
        cycle=world.cycle,
        actor=world.office,
        data=services.VisitInput(kind="remote", starts_on=today, ends_on=today, visitors="Asa Assessor, lead"),
    )
    services.visit_finding_add(visit=visit, user=world.a, requirement=first, text="Time-out observed in the suite.")
    assignment.refresh_from_db()
    return assignment


def test_the_assessor_report_shows_ratings_comments_requests_findings_and_the_draw(
    assessed: Assignment, world: World
) -> None:
    report = assessor_report(assessed)
    first = requirements(world.cycle)[0]
    assert report.requests_answered == 1
    counts = {c.rating: c.count for c in report.rating_counts}
    assert counts["partly_met"] == 1
    assert counts["met"] == len(requirements(world.cycle)) - 1

    html = assessor_report_html(report)
    assert world.cast.facility.name in html
    assert "Asa Assessor" in html
    assert f"note by {world.a.get_short_name()} on {first.reference}" in html
    assert "Send the signed tumour board charter." in html
    assert "Charter attached, 2025." in html
    assert "Time-out observed in the suite." in html
    assert "Partly met" in html
    assert "This application has no drawn sample." in html
    assert world.dossier.sha256 in html


def test_the_assessor_report_never_shows_the_other_assessors_ratings(assessed: Assignment, world: World) -> None:
    other = assign(world, world.b)
    rate_all(other, world.b, default="not_met")
    html = assessor_report_html(assessor_report(assessed))
    assert "Bea Second" not in html
    assert f"note by {world.b.get_short_name()}" not in html


def test_the_assessor_report_is_a_pdf(assessed: Assignment) -> None:
    assert assessor_report_pdf(assessor_report(assessed)).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("a", 200),
        ("office", 200),
        ("administrator", 200),
        ("b", 404),  # an assessor of the pool not on this assignment
        ("representative", 404),
        ("outsider", 404),
        ("committee", 404),
        ("anonymous", 302),
    ],
)
def test_assessor_report_access_per_role(assessed: Assignment, world: World, who: str, expected: int) -> None:
    from django.test import Client

    client = Client()
    user = {"a": world.a, "b": world.b}.get(who) or (None if who == "anonymous" else getattr(world.cast, who))
    if user is not None:
        client.force_login(user)
    response = client.get(f"/assessment/assignment/{assessed.pk}/report.pdf")
    assert response.status_code == expected
    if expected == 200:
        assert response.content.startswith(b"%PDF")
        assert response["Content-Disposition"].startswith('attachment; filename="assessor-report-')
        assert response["X-Content-Type-Options"] == "nosniff"
    if expected == 302:
        assert "/login/" in response["Location"]


def test_a_proposed_assignment_has_no_report_yet(world: World) -> None:
    from django.test import Client

    assignment = assign(world, world.a, accept=False)
    client = Client()
    client.force_login(world.a)
    assert client.get(f"/assessment/assignment/{assignment.pk}/report.pdf").status_code == 403


def test_the_report_is_linked_from_the_review_and_the_office_cycle_page(assessed: Assignment, world: World) -> None:
    url = f"/assessment/assignment/{assessed.pk}/report.pdf"
    assert (
        url in world.cast.client_for("assessor").get(f"/assessment/assignment/{assessed.pk}/review/").content.decode()
    )
    assert (
        url
        in world.cast.client_for("office").get(f"/office/assessment/applications/{world.cycle.pk}/").content.decode()
    )


# ----------------------------------------------------------------------------- the readiness report


@pytest.fixture
def draft(cast: Any, framework: Any) -> Cycle:
    enrol(cast.facility)
    return cycle_services.cycle_start(facility=cast.facility, user=cast.contributor)


def test_the_readiness_report_lists_the_blockers_and_progress_of_the_pre_flight(draft: Cycle, cast: Any) -> None:
    report = readiness_report(draft)
    assert not report.ready
    html = readiness_report_html(report)
    assert cast.facility.name in html
    first_core = next(g for g in report.overview.gaps if g.core)
    assert f"Core requirement {first_core.answer.requirement.reference}: not answered." in html
    assert f'<td class="num">0</td><td class="num">{report.overview.core.total}</td>' in html
    assert report.overview.standards[0].standard.title in html


def test_a_filled_in_cycle_reads_ready(draft: Cycle, cast: Any) -> None:
    fill_core(draft, cast.contributor)
    report = readiness_report(draft)
    assert report.ready
    assert report.overview.core.done == report.overview.core.total
    assert "Ready: every core requirement is answered" in readiness_report_html(report)


def test_the_readiness_report_is_a_pdf(draft: Cycle) -> None:
    assert readiness_report_pdf(readiness_report(draft)).startswith(b"%PDF")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("representative", 200),
        ("contact", 200),
        ("contributor", 200),
        ("read_only", 200),
        ("office", 200),
        ("administrator", 200),
        ("outsider", 404),
        ("assessor", 404),
        ("committee", 404),
        ("anonymous", 302),
    ],
)
def test_readiness_report_access_per_role(draft: Cycle, cast: Any, who: str, expected: int) -> None:
    response = cast.client_for(who).get(f"/applications/cycle/{draft.pk}/readiness.pdf")
    assert response.status_code == expected
    if expected == 200:
        assert response.content.startswith(b"%PDF")
        assert response["Content-Disposition"].startswith('attachment; filename="readiness-')
        assert response["X-Content-Type-Options"] == "nosniff"


def test_the_pre_flight_page_links_to_the_readiness_report(draft: Cycle, cast: Any) -> None:
    html = cast.client_for("contributor").get(f"/applications/cycle/{draft.pk}/submit/").content.decode()
    assert f"/applications/cycle/{draft.pk}/readiness.pdf" in html


def test_the_readiness_report_costs_a_fixed_number_of_queries(draft: Cycle, cast: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            readiness_report_html(
                readiness_report(Cycle.objects.select_related("facility", "framework").get(pk=draft.pk))
            )
        counts.append(len(ctx.captured_queries))
        fill_core(draft, cast.contributor)
    assert counts[0] == counts[1]
