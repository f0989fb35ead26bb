"""The decision clock in words: started today (not a warning), before, within and past the
8–12 week target, paused while evidence is requested."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from iasios.assessment import selectors, services
from tests.assessment.builders import World, assign, requirements

pytestmark = pytest.mark.django_db


def _words(world: World, **delta: int) -> tuple[str, str]:
    start = world.dossier.created_at
    clock = selectors.decision_clock(world.cycle, now=start + datetime.timedelta(**delta))
    html = render_to_string("assessment/_clock.html", {"clock": clock})
    return clock.phase, " ".join(html.split())


def test_at_the_start_the_clock_says_started_today_and_the_target(world: World) -> None:
    lo, hi = (
        world.cycle.framework.settings.decision_target_weeks_min,
        world.cycle.framework.settings.decision_target_weeks_max,
    )
    phase, html = _words(world, hours=2)
    assert phase == "started"
    assert f"started today; target {lo}–{hi} weeks" in html
    assert "clock-green" in html
    assert "below" not in html and "past" not in html and "0.0" not in html
    assert "started 3 days ago" in _words(world, days=3)[1]


def test_before_within_and_past_the_target(world: World) -> None:
    lo, hi = (
        world.cycle.framework.settings.decision_target_weeks_min,
        world.cycle.framework.settings.decision_target_weeks_max,
    )
    phase, html = _words(world, weeks=lo - 1)
    assert phase == "before" and f"{lo - 1} weeks; target {lo}–{hi} weeks" in html and "clock-green" in html
    phase, html = _words(world, weeks=lo, days=1)
    assert phase == "within" and f"{lo} weeks: within the target of {lo}–{hi} weeks" in html and "clock-amber" in html
    phase, html = _words(world, weeks=hi, days=1)
    assert phase == "beyond" and f"{hi} weeks: past the target of {lo}–{hi} weeks" in html and "clock-red" in html


def test_paused_while_a_request_is_open(world: World) -> None:
    assignment = assign(world, world.a)
    services.evidence_request_create(
        assignment=assignment, user=world.a, requirement=requirements(world.cycle)[0], question="The rota?"
    )
    clock = selectors.decision_clock(world.cycle, now=timezone.now() + datetime.timedelta(weeks=20))
    html = " ".join(render_to_string("assessment/_clock.html", {"clock": clock}).split())
    assert clock.phase == "paused"
    assert "paused · 1 request open" in html and "clock-paused" in html
    assert "weeks" not in html


def test_the_office_page_shows_the_start_in_words(world: World) -> None:
    from django.urls import reverse

    html = world.cast.client_for("office").get(reverse("office_assessment:cycles")).content.decode()
    assert "started today; target" in " ".join(html.split())
