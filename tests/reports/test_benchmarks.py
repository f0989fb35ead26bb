"""Benchmarks: the rating heatmap, case review compliance across centres, and a facility's own
page with the 5-peer rule and no peer identity."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from iasios.reports.selectors import office_benchmarks, own_benchmark, peers
from tests import factories
from tests.reports import builders as b
from tests.reports.builders import days_ago

pytestmark = pytest.mark.django_db


def _cells(row: Any) -> list[tuple[str, int, float | None]]:
    return [(c.rating, c.count, c.percent) for c in row.cells]


@pytest.fixture
def three_centres(framework: Any) -> dict[str, Any]:
    """Three centres' latest decided cycles, and data that must be left out."""
    first = factories.make_facility(name="Alpha")
    b.decided_cycle(first, framework, ratings={"1a": "partly_met"})
    second = factories.make_facility(name="Bravo")
    b.decided_cycle(second, framework, ratings={"1a": "not_met", "1b": "not_applicable"})
    third = factories.make_facility(name="Charlie")
    older = b.decided_cycle(third, framework, ratings={"1a": "not_met"}, decided=days_ago(400))
    latest = b.decided_cycle(third, framework, decided=days_ago(10))
    # Not decided: its ratings are not final and never count.
    open_cycle = b.cycle(factories.make_facility(name="Delta"), framework, "in_assessment")
    b.ConsolidatedRating.objects.create(
        cycle=open_cycle,
        requirement=b.requirements(framework)[0],
        rating="not_met",
        dossier=b.dossier(open_cycle),
        recorded_by=factories.make_user(),
    )
    return {"first": first, "second": second, "third": third, "older": older, "latest": latest}


class TestHeatmap:
    def test_cells_count_each_centres_latest_decided_cycle_once(self, framework: Any, three_centres: Any) -> None:
        heatmap = office_benchmarks.rating_heatmap(framework)

        assert heatmap.centres == 3
        standard = heatmap.standards[0]
        rows = {r.reference: r for r in standard.rows}
        assert _cells(rows["1a"]) == [
            ("met", 1, 33.3),
            ("partly_met", 1, 33.3),
            ("not_met", 1, 33.3),
            ("not_applicable", 0, 0.0),
        ]
        assert [c.heat for c in rows["1a"].cells] == [2, 2, 2, 0]
        assert _cells(rows["1b"]) == [
            ("met", 2, 66.7),
            ("partly_met", 0, 0.0),
            ("not_met", 0, 0.0),
            ("not_applicable", 1, 33.3),
        ]
        assert _cells(rows["1c"]) == [
            ("met", 3, 100.0),
            ("partly_met", 0, 0.0),
            ("not_met", 0, 0.0),
            ("not_applicable", 0, 0.0),
        ]
        assert rows["1c"].cells[0].heat == 5
        n = len(standard.rows)
        assert [(c.rating, c.count, c.of) for c in standard.summary] == [
            ("met", 3 * n - 3, 3 * n),
            ("partly_met", 1, 3 * n),
            ("not_met", 1, 3 * n),
            ("not_applicable", 1, 3 * n),
        ]
        assert [s.number for s in heatmap.standards] == list(range(1, 14))

    def test_the_page_prints_count_and_percentage_in_each_cell(self, cast: Any, three_centres: Any) -> None:
        response = cast.client_for("office").get(reverse("office_reports:benchmarks"))

        html = response.content.decode()
        assert response.status_code == 200
        row = re.search(r'<tr data-requirement="1a">(.*?)</tr>', html, re.S)
        assert row is not None
        cells = re.findall(r'data-rating="(\w+)">(\d+) <span class="heat-pct">\(([^<)]+)\)</span>', row.group(1))
        assert cells == [
            ("met", "1", "33.3%"),
            ("partly_met", "1", "33.3%"),
            ("not_met", "1", "33.3%"),
            ("not_applicable", "0", "0%"),
        ]


class TestCompliance:
    def test_median_lowest_highest_per_item_across_centres(self, framework: Any, three_centres: Any) -> None:
        items = b.checklist(framework)
        first, second = items[0].code, items[1].code
        alpha = three_centres["first"].cycles.get()
        b.case_reviews(
            alpha,
            [{first: "yes"}, {first: "yes"}, {first: "no"}, {first: "na"}],
            incomplete=2,  # incomplete reviews (all "no") do not count
        )
        bravo = three_centres["second"].cycles.get()
        b.case_reviews(bravo, [{first: "yes", second: "na"}, {first: "yes", second: "na"}])
        b.case_reviews(three_centres["latest"], [{first: "no"}, {first: "no"}])
        b.case_reviews(three_centres["older"], [{first: "yes"}] * 3)  # an older cycle: left out

        report = office_benchmarks.compliance_benchmark(framework)

        assert report.centres == 3
        row = report.rows[0]
        assert (row.code, row.centres, row.median, row.minimum, row.maximum) == (first, 3, 66.7, 0.0, 100.0)
        assert row.under_target == sum(1 for v in (66.7, 100.0, 0.0) if v < items[0].target_percent)
        # Bravo's cases were all "not applicable" for the second item: Bravo is left out of that row.
        second_row = report.rows[1]
        assert (second_row.centres, second_row.median, second_row.minimum, second_row.maximum) == (
            2,
            100.0,
            100.0,
            100.0,
        )
        assert [bar.value for bar in report.bars][:2] == [66.7, 100.0]


class TestOfficeChoosesAFrameworkVersion:
    def test_without_decided_cycles_the_page_says_so(self, cast: Any, framework: Any) -> None:
        response = cast.client_for("office").get(reverse("office_reports:benchmarks"))

        assert response.status_code == 200
        assert "No application has been decided yet" in response.content.decode()

    def test_an_unknown_framework_parameter_falls_back_to_the_current_version(
        self, cast: Any, three_centres: Any
    ) -> None:
        response = cast.client_for("office").get(reverse("office_reports:benchmarks") + "?framework=nonsense")

        assert response.status_code == 200
        assert 'data-requirement="1a"' in response.content.decode()


# ----------------------------------------------------------------------------- a facility's own benchmark


def _peers(framework: Any, count: int, *, not_met_in_standard_1: list[int] | None = None) -> list[Any]:
    """`count` peer centres; peer i has `not_met_in_standard_1[i]` of standard 1's requirements not met."""
    standard_1 = [r.reference for r in b.requirements(framework) if r.standard.number == 1]
    items = b.checklist(framework)
    peers = []
    for i in range(count):
        facility = factories.make_facility(name=f"Peer Centre {i} Secret")
        k = (not_met_in_standard_1 or [0] * count)[i]
        made = b.decided_cycle(facility, framework, ratings=dict.fromkeys(standard_1[:k], "not_met"))
        # Peer i complies with the first item in i of its 4 cases.
        b.case_reviews(made, [{items[0].code: "yes" if c < i else "no"} for c in range(4)])
        peers.append(facility)
    return peers


@pytest.fixture
def own(cast: Any, framework: Any) -> Any:
    made = b.decided_cycle(cast.facility, framework, ratings={"1a": "partly_met", "2a": "not_applicable"})
    b.case_reviews(made, [{b.checklist(framework)[0].code: answer} for answer in ("yes", "yes", "yes", "no")])
    return made


def _benchmark(cast: Any, who: str = "representative") -> str:
    response = cast.client_for(who).get(reverse("reports:facility_benchmark", args=[cast.facility.pk]))
    assert response.status_code == 200
    return response.content.decode()


class TestFivePeerRule:
    def test_four_peers_hide_the_comparison_and_say_why(self, cast: Any, framework: Any, own: Any) -> None:
        _peers(framework, 4)

        report = own_benchmark.facility_benchmark(cast.facility)
        html = _benchmark(cast)

        assert (report.rating_peers, report.icr_peers, report.min_peers) == (4, 4, 5)
        assert not report.show_ratings and not report.show_icr
        assert html.count('data-peers="hidden"') == 2
        assert "fewer than 5 other centres" in html
        assert 'data-peer="median"' not in html
        assert "Others: median" not in html
        # Its own figures are shown all the same.
        assert re.search(r'<tr data-standard="1">.*?<td class="num">6/7</td>', html, re.S)

    def test_five_peers_show_median_and_middle_half_never_a_peer(self, cast: Any, framework: Any, own: Any) -> None:
        # Standard 1 has 7 requirements; the peers have 0–4 of them not met.
        peers = _peers(framework, 5, not_met_in_standard_1=[4, 0, 2, 1, 3])

        report = own_benchmark.facility_benchmark(cast.facility)
        html = _benchmark(cast)

        assert report.show_ratings and report.show_icr
        standard_1 = report.standards[0]
        # Own: 1a partly met → 6 of 7 met. Peers: 3/7, 4/7, 5/7, 6/7, 7/7 met.
        assert (standard_1.met, standard_1.applicable, standard_1.share) == (6, 7, 85.7)
        assert standard_1.peers is not None
        assert (standard_1.peers.n, standard_1.peers.median, standard_1.peers.p25, standard_1.peers.p75) == (
            5,
            71.4,
            57.1,
            85.7,
        )
        # Standard 2: 2a not applicable is left out of the share.
        assert (report.standards[1].met, report.standards[1].applicable) == (
            len([r for r in b.requirements(framework) if r.standard.number == 2]) - 1,
        ) * 2
        # First checklist item: own 3 of 4; peers 0, 1, 2, 3, 4 of 4.
        item = report.items[0]
        assert (item.yes, item.applicable, item.share) == (3, 4, 75.0)
        assert item.peers is not None
        assert (item.peers.median, item.peers.p25, item.peers.p75) == (50.0, 25.0, 75.0)
        assert [(c.rating, c.count) for c in report.own_ratings] == [
            ("met", 66),
            ("partly_met", 1),
            ("not_met", 0),
            ("not_applicable", 1),
        ]

        assert 'data-peers="hidden"' not in html
        row = re.search(r'<tr data-standard="1">(.*?)</tr>', html, re.S)
        assert row is not None
        assert '<td class="num" data-peer="median">71.4%</td>' in row.group(1)
        assert "57.1%–85.7%" in row.group(1)
        # Never a peer's name or key, nor the extremes (3/7 = 42.9%, 0 of 4 = 0%) of one peer.
        for peer in peers:
            assert peer.name not in html
            assert str(peer.pk) not in html
        assert "Secret" not in html
        assert "42.9%" not in html

    def test_undecided_cycles_do_not_count_and_a_reopened_centre_counts_with_its_decided_one(
        self, cast: Any, framework: Any, own: Any
    ) -> None:
        _peers(framework, 4)
        b.cycle(factories.make_facility(), framework, "with_committee")
        b.decided_cycle(cast.other_facility, framework, decided=days_ago(900))
        b.cycle(cast.other_facility, framework, "amending")  # reopened: still its earlier decided cycle counts

        report = own_benchmark.facility_benchmark(cast.facility)

        assert report.rating_peers == 5
        assert report.show_ratings
        assert not report.show_icr  # the fifth peer has no case review

    def test_only_the_latest_decided_cycle_of_the_facility_itself_is_compared(self, cast: Any, framework: Any) -> None:
        b.decided_cycle(cast.facility, framework, default="not_met", decided=days_ago(900))
        latest = b.decided_cycle(cast.facility, framework, decided=days_ago(5))

        report = own_benchmark.facility_benchmark(cast.facility)

        assert report.cycle is not None and report.cycle.pk == latest.pk
        assert report.rating_peers == 0
        assert report.own_ratings[0].count == len(b.requirements(framework))

    def test_without_a_decided_application_the_page_says_why_nothing_is_shown(self, cast: Any, framework: Any) -> None:
        html = _benchmark(cast)

        assert "Nothing to compare yet" in html
        assert "standards-table" not in html


class TestPerRowThreshold:
    def test_a_standard_fewer_than_5_peers_can_be_rated_on_says_so(self, cast: Any, framework: Any, own: Any) -> None:
        peers = _peers(framework, 5)
        # One peer's newer decided cycle has every requirement of standard 13 not applicable:
        # only 4 peers have a share of standard 13 met.
        standard_13 = {r.reference: "not_applicable" for r in b.requirements(framework) if r.standard.number == 13}
        b.decided_cycle(peers[0], framework, ratings=standard_13, decided=days_ago(1))

        report = own_benchmark.facility_benchmark(cast.facility)
        html = _benchmark(cast)

        assert report.show_ratings
        assert report.standards[12].peers is None
        assert report.standards[11].peers is not None
        row = re.search(r'<tr data-standard="13">(.*?)</tr>', html, re.S)
        assert row is not None
        assert "too few centres to compare" in row.group(1)


def test_the_threshold_is_the_programme_default_unless_set(
    cast: Any, framework: Any, own: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    _peers(framework, 3)
    assert not own_benchmark.facility_benchmark(cast.facility).show_ratings

    monkeypatch.setattr(peers, "DEFAULT_MIN_PEERS", 3)

    report = own_benchmark.facility_benchmark(cast.facility)
    assert report.min_peers == 3
    assert report.show_ratings
