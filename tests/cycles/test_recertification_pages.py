"""Re-certification is reachable and explained: the start page before, in and after the window,
the applications list with the date, and a reworded requirement shown with its diff."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from iasios.applications.models import Cycle, CycleKind
from iasios.cycles import committee
from iasios.cycles import services as cycle_services
from iasios.cycles.selectors import RecertificationState, recertification_status
from iasios.cycles.templatetags.recertification import wording_diff
from iasios.decisions.models import Decision, Outcome
from tests import factories
from tests.applications.helpers import decided_cycle
from tests.decisions.conftest import recommended

pytestmark = pytest.mark.django_db


def _accredited(cycle: Cycle, enrolled: Any, monkeypatch: Any, *, months_ago: int) -> Any:
    """The cycle decided "accredited" `months_ago` months ago, through the committee's services."""
    monkeypatch.setattr(
        "iasios.decisions.selectors.recommendation_for", lambda c, today=None: recommended("accredited")
    )
    decided_cycle(cycle, enrolled, monkeypatch)
    Cycle.objects.filter(pk=cycle.pk).update(status="with_committee")
    on = timezone.localdate() - timedelta(days=round(months_ago * 30.44))
    members = [enrolled.committee] + [factories.make_staff("committee") for _ in range(2)]
    for member in members:
        committee.vote_cast(cycle=cycle, member=member, outcome=Outcome.ACCREDITED, today=on)
    return Decision.objects.get(cycle=cycle).award


def _long(day: date | None) -> str:
    assert day is not None
    return date_format(day, "DATE_FORMAT")


def test_before_the_window_the_pages_give_the_date_and_what_happens(
    cycle: Cycle, enrolled: Any, monkeypatch: Any
) -> None:
    award = _accredited(cycle, enrolled, monkeypatch, months_ago=20)
    status = recertification_status(cycle.facility, enrolled.representative)
    assert status.state == RecertificationState.UPCOMING and not status.can_start
    assert status.award_ends_on == award.valid_until and status.opens_on is not None
    client = enrolled.client_for("representative")
    page = client.get(reverse("applications:recertify", args=[cycle.facility_id]))
    assert page.status_code == 200  # explained, not refused
    text = page.content.decode()
    assert f"Re-certification opens on {_long(status.opens_on)}" in text and "What will happen" in text
    assert 'name="aim"' not in text
    assert (
        client.post(reverse("applications:recertify", args=[cycle.facility_id]), {"aim": "accredited"}).status_code
        == 403
    )
    assert not Cycle.objects.filter(kind=CycleKind.RECERTIFICATION).exists()
    listing = client.get(reverse("applications:index")).content.decode()
    assert f"Its re-certification opens on {_long(status.opens_on)}" in listing


def test_in_the_window_the_editors_start_and_the_others_read_who_may(
    cycle: Cycle, enrolled: Any, monkeypatch: Any
) -> None:
    _accredited(cycle, enrolled, monkeypatch, months_ago=40)
    url = reverse("applications:recertify", args=[cycle.facility_id])
    form = enrolled.client_for("representative").get(url).content.decode()
    assert 'value="centre_of_excellence"' in form  # the window opened on a term in good standing
    refused = enrolled.client_for("read_only").get(url)
    assert refused.status_code == 403 and "The re-certification window is open." in refused.content.decode()
    assert "Start re-certification" in enrolled.client_for("representative").get(reverse("applications:index")).text
    started = enrolled.client_for("representative").post(url, {"aim": "centre_of_excellence"})
    assert started.status_code == 302
    status = recertification_status(cycle.facility, enrolled.representative)
    assert status.state == RecertificationState.IN_PROGRESS and status.cycle is not None
    assert status.url in enrolled.client_for("representative").get(url).content.decode()


def _reworded_version(tmp_path: Path) -> None:
    """The shipped file as 2026.2 with 1a reworded; loaded and made current."""
    data = yaml.safe_load(Path(settings.SHIPPED_FRAMEWORK_FILE).read_text(encoding="utf-8"))
    data["version"] = "2026.2"
    data["standards"][0]["requirements"][0]["text"] = "The IO service has a named clinical lead, accountable for it."
    path = tmp_path / "framework-2026.2.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    call_command("standards_load", str(path), "--activate", stdout=StringIO())


def test_a_reworded_requirement_shows_the_old_and_the_new_words(
    cycle: Cycle, enrolled: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    _accredited(cycle, enrolled, monkeypatch, months_ago=40)
    _reworded_version(tmp_path)
    recert = cycle_services.cycle_start_recertification(
        facility=cycle.facility, user=enrolled.representative, aim="accredited"
    )
    page = enrolled.client_for("contributor").get(reverse("applications:standard", args=[recert.pk, 1])).text
    assert page.count("Reworded in these standards") == 1  # 1a only
    assert "lead, <del>an interventional radiologist who is</del> accountable for" in page
    assert "<del>the quality and organisation of the service.</del> <ins>it.</ins>" in page
    assert "Carried over: confirm or change" in page


def test_wording_diff_marks_removed_and_added_words() -> None:
    html = wording_diff("The service has a <lead> who is responsible.", "The service has a named lead, accountable.")
    assert html == ("The service has a <del>&lt;lead&gt; who is responsible.</del> <ins>named lead, accountable.</ins>")
