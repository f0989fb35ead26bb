"""The office dashboard's numbers, each checked against small data computed by hand."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from iasios.reports.selectors import awards, invoices, progress, work
from tests import factories
from tests.reports import builders as b
from tests.reports.builders import NOW, TODAY, days_ago

pytestmark = pytest.mark.django_db


def _row(report: Any, state: str) -> progress.StateRow:
    return next(r for r in report.rows if r.state == state)


class TestPipeline:
    def test_counts_and_time_in_state_come_from_the_last_move_into_the_state(self, framework: Any) -> None:
        draft = b.cycle(factories.make_facility(), framework, "draft")
        b.move(draft, "draft", days_ago(10))

        # Submitted, returned, submitted again: only the last move into "submitted" counts.
        resubmitted = b.cycle(factories.make_facility(), framework, "submitted", submitted_at=days_ago(50))
        b.move(resubmitted, "draft", days_ago(60))
        b.move(resubmitted, "submitted", days_ago(20))
        b.move(resubmitted, "returned", days_ago(15))
        b.move(resubmitted, "submitted", days_ago(4))

        # No event: the cycle's own submission time stands in.
        from_timestamp = b.cycle(factories.make_facility(), framework, "submitted", submitted_at=days_ago(9))

        slow = b.cycle(factories.make_facility(), framework, "in_assessment")
        b.move(slow, "in_assessment", days_ago(7.5))
        fast = b.cycle(factories.make_facility(), framework, "in_assessment")
        b.move(fast, "in_assessment", days_ago(2.5))

        # No event and no timestamp for this state: unknown, never guessed.
        b.cycle(factories.make_facility(), framework, "with_committee")

        report = progress.pipeline(now=NOW)

        assert [(r.state, r.count) for r in report.rows] == [
            ("draft", 1),
            ("submitted", 2),
            ("returned", 0),
            ("in_assessment", 2),
            ("with_committee", 1),
            ("decided", 0),
            ("amending", 0),
        ]
        assert report.total == 6
        assert (_row(report, "draft").median_days, _row(report, "draft").max_days) == (10.0, 10.0)
        submitted = _row(report, "submitted")
        assert (submitted.median_days, submitted.max_days, submitted.from_timestamp) == (6.5, 9.0, 1)
        assessment = _row(report, "in_assessment")
        assert (assessment.median_days, assessment.max_days, assessment.from_timestamp) == (5.0, 7.5, 0)
        committee = _row(report, "with_committee")
        assert (committee.median_days, committee.max_days, committee.unknown) == (None, None, 1)
        assert from_timestamp.pk  # used above through its timestamp

    def test_events_of_other_objects_in_the_same_state_name_are_not_read(self, framework: Any) -> None:
        made = b.cycle(factories.make_facility(), framework, "submitted", submitted_at=days_ago(3))
        b.move(made.facility, "submitted", days_ago(30))  # a facility event, not the cycle's

        report = progress.pipeline(now=NOW)

        assert _row(report, "submitted").median_days == 3.0


class TestDecisionClock:
    def _in_assessment(self, framework: Any, evidence_days_ago: float) -> Any:
        made = b.cycle(factories.make_facility(), framework, "in_assessment")
        with b.at(days_ago(evidence_days_ago)):
            b.dossier(made)
        return made

    def test_each_application_against_the_target_longest_first(self, framework: Any) -> None:
        self._in_assessment(framework, 30)  # 4.3 weeks: before the 8-week target
        self._in_assessment(framework, 70)  # 10 weeks: within 8–12
        late = self._in_assessment(framework, 100)  # 14.3 weeks: past it
        paused = self._in_assessment(framework, 200)
        who = b.assessor("Paula Paused")
        b.evidence_request(paused, b.assignment(paused, who, "accepted"), due_on=TODAY)

        report = progress.clock_section(now=NOW)

        assert [r.clock.days for r in report.rows] == [100, 70, 30, None]
        assert report.rows[0].clock.cycle_id == late.pk
        assert report.rows[-1].clock.paused
        assert (report.before_target, report.within_target, report.past_target, report.paused) == (1, 1, 1, 1)
        assert (report.target_min_weeks, report.target_max_weeks) == (8, 12)
        assert [m.value for m in report.markers] == [8, 12]
        assert [bar.tone for bar in report.bars] == ["bad", "warn", "ok", "muted"]

    def test_the_readings_for_the_dashboard_are_the_assessment_pages_clocks(self, framework: Any) -> None:
        from iasios.assessment.selectors import clock_readings, decision_clocks

        for days in (3, 30, 70, 100):
            self._in_assessment(framework, days)
        paused = self._in_assessment(framework, 200)
        b.evidence_request(paused, b.assignment(paused, b.assessor("Paula Paused"), "accepted"), due_on=TODAY)
        b.cycle(factories.make_facility(), framework, "with_committee")  # no evidence in: not started

        full = {c.cycle.pk: c for c in decision_clocks(now=NOW)}
        light = {c.cycle_id: (c, cycle) for c, cycle in clock_readings(fields=("status",), now=NOW)}

        assert full.keys() == light.keys() and len(full) == 6
        for pk, clock in full.items():
            reading, cycle = light[pk]
            assert (reading.running_since, reading.open_requests, reading.days, reading.phase, reading.colour) == (
                clock.running_since,
                clock.open_requests,
                clock.days,
                clock.phase,
                clock.colour,
            )
            assert cycle == {"status": clock.cycle.status}

    def test_the_dashboard_lists_the_longest_clocks_and_links_to_all(self, cast: Any, framework: Any) -> None:
        shown = progress.CLOCK_ROWS_SHOWN
        for n in range(shown + 2):
            self._in_assessment(framework, 10 + n)
        paused = self._in_assessment(framework, 300)
        b.evidence_request(paused, b.assignment(paused, b.assessor("Paula Paused"), "accepted"), due_on=TODAY)

        report = progress.clock_section(now=NOW)
        assert len(report.rows) == shown + 3 and report.hidden == 3
        assert [r.clock.days for r in report.shown] == list(range(10 + shown + 1, 11, -1))
        assert len(report.bars) == shown
        assert (report.before_target, report.paused) == (shown + 2, 1)  # the counts cover every clock

        html = cast.client_for("office").get(reverse("office_reports:dashboard")).content.decode()
        table = html[html.index('<table id="clock-table"') :].split("</table>")[0]
        assert len(re.findall(r'<tr><th scope="row">', table)) == shown
        assert f"The {shown} longest of {shown + 3} clocks." in html
        assert f'<a href="{reverse("office_assessment:cycles")}">Every decision clock</a>' in html


class TestOverdue:
    def test_open_requests_and_actions_past_their_due_date_only(self, framework: Any) -> None:
        made = b.cycle(factories.make_facility(name="Late Centre"), framework, "in_assessment")
        on = b.assignment(made, b.assessor("Ann Assessor"), "accepted")
        late = b.evidence_request(made, on, due_on=TODAY - datetime.timedelta(days=3))
        b.evidence_request(made, on, due_on=TODAY)  # due today: not yet overdue
        b.evidence_request(made, on, due_on=TODAY - datetime.timedelta(days=10), status="answered")

        taken = b.decision(b.cycle(factories.make_facility(name="Acting Centre"), framework, "decided"))
        action = b.corrective_action(taken, TODAY - datetime.timedelta(days=5))
        b.corrective_action(taken, TODAY - datetime.timedelta(days=20), status="verified")
        b.corrective_action(taken, TODAY + datetime.timedelta(days=1))

        report = work.overdue_section(today=TODAY)

        assert [(r.request.pk, r.days_overdue, r.facility) for r in report.requests] == [(late.pk, 3, "Late Centre")]
        assert report.requests[0].url == reverse("office_assessment:cycle", kwargs={"cycle_id": made.pk})
        assert [(a.action.pk, a.days_overdue) for a in report.actions] == [(action.pk, 5)]
        assert report.actions[0].url == reverse("decisions:detail", kwargs={"decision_id": action.decision_id})


class TestWorkload:
    def test_active_assignments_and_submitted_reviews_per_assessor(self, framework: Any) -> None:
        ann = b.assessor("Ann Busy")
        b.assessor("Ben Idle")
        for status in ["accepted", "accepted", "proposed", "submitted", "declined", "withdrawn"]:
            b.assignment(b.cycle(factories.make_facility(), framework, "in_assessment"), ann, status)

        report = work.workload()

        assert [(r.assessor, r.proposed, r.accepted, r.active, r.submitted) for r in report.rows] == [
            ("Ann Busy", 1, 2, 3, 1),
            ("Ben Idle", 0, 0, 0, 0),
        ]
        assert (report.active, report.submitted) == (3, 1)


class TestInvoices:
    def test_counts_and_balances_per_currency(self, db: Any) -> None:
        facility = factories.make_facility()
        past, future = TODAY - datetime.timedelta(days=10), TODAY + datetime.timedelta(days=20)
        b.invoice(facility, "950.00", due_on=past, paid=("200.00",))  # owes 750, overdue
        b.invoice(facility, "1500.00", due_on=future)  # owes 1500, not yet due
        b.invoice(facility, "400.00", due_on=past, status="paid", paid=("400.00",))
        b.invoice(facility, "300.00", due_on=past, status="cancelled")
        b.invoice(facility, "1000.00", currency="USD", due_on=TODAY - datetime.timedelta(days=1), paid=("999.50",))
        b.invoice(facility, "80.00", currency="USD", due_on=TODAY)  # due today: outstanding, not overdue

        report = invoices.invoice_section(today=TODAY)

        assert [
            (r.currency, r.outstanding, r.outstanding_balance, r.overdue, r.overdue_balance) for r in report.rows
        ] == [
            ("EUR", 2, Decimal("2250.00"), 1, Decimal("750.00")),
            ("USD", 2, Decimal("80.50"), 1, Decimal("0.50")),
        ]
        assert [(bar.label, bar.value) for bar in report.bars] == [
            ("EUR · not yet due", 1),
            ("EUR · overdue", 1),
            ("USD · not yet due", 1),
            ("USD · overdue", 1),
        ]


class TestAwards:
    def test_centres_by_country_and_awards_by_year(self, framework: Any) -> None:
        lyon = factories.make_facility(country="FR")
        b.award(lyon, framework, "accredited", datetime.date(2019, 5, 1), status="superseded")
        b.award(lyon, framework, "accredited", datetime.date(2023, 5, 1))
        b.award(factories.make_facility(country="FR"), framework, "centre_of_excellence", datetime.date(2025, 1, 10))
        b.award(factories.make_facility(country="DE"), framework, "accredited", datetime.date(2024, 2, 1))
        b.award(
            factories.make_facility(country="DE"),
            framework,
            "accredited",
            datetime.date(2024, 3, 1),
            status="suspended",
        )

        report = awards.award_section()

        assert [(r.country, r.accredited, r.excellence, r.total) for r in report.by_country] == [
            ("FR", 1, 1, 2),
            ("DE", 1, 0, 1),
        ]
        assert (report.accredited, report.excellence, report.suspended) == (2, 1, 1)
        assert [(r.year, r.accredited, r.excellence) for r in report.by_year] == [
            (2019, 1, 0),
            (2023, 1, 0),
            (2024, 2, 0),
            (2025, 0, 1),
        ]
        assert [c.total for c in report.year_columns] == [1, 1, 2, 1]


class TestPage:
    def test_the_page_shows_the_report_numbers_and_each_chart_points_at_its_table(self, cast: Any) -> None:
        today = datetime.date.today()
        b.invoice(cast.facility, "950.00", due_on=today - datetime.timedelta(days=3), paid=("200.00",))
        b.invoice(cast.facility, "125.25", currency="CHF", due_on=today + datetime.timedelta(days=3))

        response = cast.client_for("office").get(reverse("office_reports:dashboard"))

        html = response.content.decode()
        assert response.status_code == 200
        eur = re.search(r'<tr data-currency="EUR">(.*?)</tr>', html, re.S)
        assert eur is not None
        assert re.findall(r'<td class="num">([^<]*)</td>', eur.group(1)) == ["1", "750.00", "1", "750.00"]
        chf = re.search(r'<tr data-currency="CHF">(.*?)</tr>', html, re.S)
        assert chf is not None
        assert re.findall(r'<td class="num">([^<]*)</td>', chf.group(1)) == ["1", "125.25", "0", "0.00"]
        charts = re.findall(r'<svg class="chart[^"]*"[^>]*role="img"[^>]*aria-describedby="([^"]+)"', html)
        assert len(charts) >= 3
        for table_id in charts:
            assert f'<table id="{table_id}"' in html or f'id="{table_id}"' in html
        assert html.count('<title id="chart-') == len(charts)
