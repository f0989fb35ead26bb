"""The work queues: each count against data built for it, and a constant number of queries
whatever the amount of work waiting."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.assessment.models import Assignment
from iasios.decisions.models import Appeal, Decision, Vote
from iasios.facilities.models import Facility, Membership
from iasios.site import queues
from tests import factories
from tests.reports import builders as b

pytestmark = pytest.mark.django_db

TODAY = b.TODAY
DAY = datetime.timedelta(days=1)


def _enrolled(name: str) -> Facility:
    facility = factories.make_facility(name=name)
    Facility.objects.filter(pk=facility.pk).update(status="enrolled")
    return facility


def _appeal(facility: Facility, framework: Any, voters: list[Any], lodged_on: datetime.date) -> Appeal:
    made = b.cycle(facility, framework, "decided", decided_at=b.NOW)
    taken = b.decision(made, "not_accredited")
    for member in voters:
        Vote.objects.create(decision=taken, member=member, outcome="not_accredited")
    return Appeal.objects.create(decision=taken, lodged_by=factories.make_user(), lodged_on=lodged_on, grounds="G")


def office_work(framework: Any, n: int) -> None:
    """`n` of each thing waiting on the office, and as many that are not (for the counts)."""
    members = [factories.make_staff(ProgrammeRoleName.COMMITTEE, name=f"Member {i}") for i in range(3)]
    first, second = b.assessor("First"), b.assessor("Second")
    for i in range(n):
        factories.make_facility(name=f"Registered {i}")  # registered: waits for confirmation
        centre = _enrolled(f"Centre {i}")
        b.invoice(centre, "100", due_on=TODAY + 10 * DAY)  # open, not yet due
        b.invoice(centre, "100", due_on=TODAY - (5 + i) * DAY)  # overdue
        b.invoice(centre, "100", due_on=TODAY - 5 * DAY, status="paid")  # not waiting
        b.cycle(centre, framework, "submitted", submitted_at=b.NOW - (i + 1) * DAY)  # to triage
        assessing = b.cycle(_enrolled(f"Assessed {i}"), framework, "in_assessment", submitted_at=b.NOW)
        proposed = b.assignment(assessing, first, "proposed")
        b.assignment(assessing, second, "accepted")
        b.evidence_request(assessing, proposed, due_on=TODAY - 3 * DAY)  # overdue
        b.evidence_request(assessing, proposed, due_on=TODAY + 3 * DAY)  # open, not overdue
        reviewed = b.cycle(_enrolled(f"Reviewed {i}"), framework, "in_assessment", submitted_at=b.NOW)
        b.assignment(reviewed, first, "submitted")
        b.assignment(reviewed, second, "submitted")  # both reviews in
        _appeal(centre, framework, members[:2], TODAY - DAY)  # one member left: needs a panel
        _appeal(centre, framework, [], TODAY)  # three members may hear it
        b.award(centre, framework, "accredited", valid_from=TODAY.replace(year=TODAY.year - 4) + 30 * DAY)
        b.award(_enrolled(f"Later {i}"), framework, "accredited", valid_from=TODAY - 400 * DAY)


def test_each_office_count_is_the_work_waiting(framework: Any) -> None:
    office_work(framework, 2)
    counts = {line.key: line.count for line in queues.office_queue(TODAY)}
    assert counts == {
        "registrations": 2,
        "invoices_open": 2,
        "invoices_overdue": 2,
        "triage": 2,
        "assignments_proposed": 2,
        "requests_overdue": 2,
        "reviews_in": 2,
        "appeals": 4,
        "appeals_panel": 2,
        "awards_expiring": 2,
    }


def test_the_office_queue_puts_the_longest_waiting_first_and_names_the_oldest(framework: Any) -> None:
    office_work(framework, 2)
    lines = queues.office_queue(TODAY)
    waiting = [line for line in lines if line.waiting]
    assert [line.oldest for line in waiting] == sorted(line.oldest for line in waiting)  # type: ignore[type-var]
    overdue = next(line for line in lines if line.key == "invoices_overdue")
    assert overdue.oldest == TODAY - 6 * DAY
    assert overdue.url == reverse("office_billing:overdue")
    proposed = next(line for line in lines if line.key == "assignments_proposed")
    oldest = Assignment.objects.filter(status="proposed").order_by("created_at").first()
    assert oldest is not None
    assert proposed.url == reverse("office_assessment:cycle", args=[oldest.cycle_id])


def test_nothing_waiting_reads_zero_everywhere(framework: Any) -> None:
    assert all(line.count == 0 for line in queues.office_queue(TODAY))


def _office_home_queries(framework: Any, n: int) -> int:
    office_work(framework, n)
    client = Client()
    client.force_login(factories.make_staff(ProgrammeRoleName.OFFICE, name=f"Office {n}"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("office_home"))
    assert response.status_code == 200
    assert "Waiting on the office" in response.content.decode()
    return len(queries)


def test_the_office_home_queries_do_not_grow_with_the_work(framework: Any) -> None:
    small = _office_home_queries(framework, 1)
    large = _office_home_queries(framework, 4)
    assert small == large


# ----------------------------------------------------------------------------- assessors


def assessor_work(framework: Any, assessor: Any, n: int) -> None:
    for i in range(n):
        done = b.cycle(_enrolled(f"Done {i}"), framework, "decided")
        b.assignment(done, assessor, "submitted")
        b.dossier(done)
        working = b.cycle(_enrolled(f"Working {i}"), framework, "in_assessment")
        with b.at(b.NOW - (10 + i) * DAY):
            b.dossier(working)
        b.assignment(working, assessor, "accepted")
        proposed = b.cycle(_enrolled(f"Proposed {i}"), framework, "in_assessment")
        b.assignment(proposed, assessor, "proposed")


def test_the_assessor_sees_active_work_first_soonest_due_first(framework: Any) -> None:
    assessor = b.assessor("Ana")
    assessor_work(framework, assessor, 2)
    rows = queues.assessor_queue(assessor)
    assert [row.active for row in rows] == [True, True, True, True, False, False]
    dues = [row.due_on for row in rows if row.due_on and row.active]
    assert dues == sorted(dues) and len(dues) == 2
    working = next(row for row in rows if row.assignment.status == "accepted")
    assert working.total == len(b.requirements(framework)) and working.rated == 0
    assert working.progress.total == working.total


def _assessor_home_queries(framework: Any, n: int) -> int:
    assessor = b.assessor(f"Assessor {n}")
    assessor_work(framework, assessor, n)
    client = Client()
    client.force_login(assessor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("assessor_home")).status_code == 200
    return len(queries)


def test_the_assessor_home_queries_do_not_grow_with_the_work(framework: Any) -> None:
    assert _assessor_home_queries(framework, 1) == _assessor_home_queries(framework, 4)


# ----------------------------------------------------------------------------- committee members


def committee_work(framework: Any, member: Any, n: int) -> None:
    others = [factories.make_staff(ProgrammeRoleName.COMMITTEE, name=f"Other {n}{i}") for i in range(2)]
    for i in range(n):
        awaiting = b.cycle(_enrolled(f"Awaiting {n}{i}"), framework, "with_committee", submitted_at=b.NOW)
        Decision.objects.create(cycle=awaiting, status="voting")
        voted = b.cycle(_enrolled(f"Voted {n}{i}"), framework, "with_committee", submitted_at=b.NOW)
        round_ = Decision.objects.create(cycle=voted, status="voting")
        Vote.objects.create(decision=round_, member=member, outcome="accredited")
        _appeal(_enrolled(f"Appealed {n}{i}"), framework, others, TODAY)  # the member took no part
        _appeal(_enrolled(f"Took part {n}{i}"), framework, [member], TODAY)


def test_the_committee_member_sees_votes_and_appeals_awaiting_them(framework: Any) -> None:
    member = factories.make_staff(ProgrammeRoleName.COMMITTEE, name="Mia Member")
    committee_work(framework, member, 2)
    work = queues.committee_work(member)
    assert sorted(row.cycle.facility.name for row in work.votes) == ["Awaiting 20", "Awaiting 21"]
    assert sorted(a.decision.cycle.facility.name for a in work.appeals) == ["Appealed 20", "Appealed 21"]


def _committee_dashboard_queries(framework: Any, n: int, awaiting: int) -> int:
    """Queries of a member's dashboard after adding `n` of each; `awaiting` votes in all by then."""
    member = factories.make_staff(ProgrammeRoleName.COMMITTEE, name=f"Member {n}")
    committee_work(framework, member, n)
    client = Client()
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert f"{awaiting} applications await your vote" in response.content.decode()
    return len(queries)


def test_the_committee_dashboard_queries_do_not_grow_with_the_work(framework: Any) -> None:
    # The second member has not voted on any of the first's cycles: 2 + 2 + 5 await them.
    assert _committee_dashboard_queries(framework, 2, 2) == _committee_dashboard_queries(framework, 5, 9)


# ----------------------------------------------------------------------------- facility members


def _member_dashboard_queries(n: int) -> int:
    user = factories.make_user()
    for i in range(n):
        facility = _enrolled(f"Member's {n}{i}")
        Membership.objects.create(facility=facility, user=user, role=FacilityRoleName.CONTACT_PERSON)
        b.invoice(facility, "100", due_on=TODAY)
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        text = client.get(reverse("dashboard")).content.decode()
    assert text.count("1 invoice to pay") == n
    return len(queries)


def test_the_member_dashboard_queries_do_not_grow_with_their_facilities(framework: Any) -> None:
    assert _member_dashboard_queries(1) == _member_dashboard_queries(3)


def test_an_appeal_short_of_eligible_members_links_its_panel_page_until_appointed(framework: Any) -> None:
    members = [factories.make_staff(ProgrammeRoleName.COMMITTEE, name=f"Member {i}") for i in range(3)]
    factories.make_staff(ProgrammeRoleName.COMMITTEE, mfa=False, name="No second factor")  # cannot sit yet
    older = _appeal(_enrolled("Older"), framework, members[:1], TODAY - 3 * DAY)  # 2 may hear it, quorum 3
    _appeal(_enrolled("Newer"), framework, members[:2], TODAY - DAY)
    line = next(line for line in queues.office_queue(TODAY) if line.key == "appeals_panel")
    assert (line.count, line.oldest) == (2, TODAY - 3 * DAY)
    assert line.url == reverse("office_decisions:appeal_panel", args=[older.pk])
    Appeal.objects.filter(pk=older.pk).update(panel_appointed_on=TODAY)
    line = next(line for line in queues.office_queue(TODAY) if line.key == "appeals_panel")
    assert line.count == 1
