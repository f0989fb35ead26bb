"""The office dashboard is rendered once per version of what it is drawn from, and is never
stale: a payment, a cycle's move, an assessor's new name show at once; each language and day
has its own copy."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.applications.models import Cycle, CycleStatus
from iasios.billing.models import Payment
from iasios.reports import views_office
from tests import factories
from tests.reports import builders as b

pytestmark = pytest.mark.django_db


def _get(client: Any) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("office_reports:dashboard"))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def _eur(html: str) -> list[str]:
    row = re.search(r'<tr data-currency="EUR">(.*?)</tr>', html, re.S)
    assert row is not None
    return re.findall(r'<td class="num">([^<]*)</td>', row.group(1))


def _state_count(html: str, state: str) -> str:
    row = re.search(rf'<tr data-state="{state}">.*?<td class="num">([^<]*)</td>', html, re.S)
    assert row is not None
    return row.group(1)


def test_kept_then_a_payment_shows_at_once(cast: Any) -> None:
    client = cast.client_for("office")
    today = datetime.date.today()
    invoice = b.invoice(cast.facility, "950.00", due_on=today - datetime.timedelta(days=3))
    first, built = _get(client)
    assert _eur(first) == ["1", "950.00", "1", "950.00"]
    again, kept = _get(client)
    assert kept < built  # the sections are read from the cache
    assert again.split("<h1>")[1] == first.split("<h1>")[1]

    Payment.objects.create(invoice=invoice, amount=Decimal("200.00"), paid_on=today, reference="P-kept")
    assert _eur(_get(client)[0]) == ["1", "750.00", "1", "750.00"]


def test_a_cycle_moved_and_a_renamed_assessor_show_at_once(cast: Any, framework: Any) -> None:
    client = cast.client_for("office")
    made = b.cycle(factories.make_facility(name="Moving Centre"), framework, "draft")
    who = b.assessor("Anna Before")
    b.assignment(made, who, "accepted")
    html = _get(client)[0]
    assert _state_count(html, "draft") == "1" and _state_count(html, "submitted") == "0"
    assert "Anna Before" in html

    moved = Cycle.objects.get(pk=made.pk)
    moved.status = CycleStatus.SUBMITTED
    moved.save()
    who.name = "Anna After"
    who.save()
    html = _get(client)[0]
    assert _state_count(html, "draft") == "0" and _state_count(html, "submitted") == "1"
    assert "Anna After" in html and "Anna Before" not in html


def test_each_language_and_day_has_its_own_copy(cast: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.utils import timezone, translation

    rendered: list[str] = []
    real = views_office.dashboard_report.office_dashboard

    def counting(**kwargs: Any) -> Any:
        rendered.append(translation.get_language())
        return real(**kwargs)

    monkeypatch.setattr(views_office.dashboard_report, "office_dashboard", counting)
    with translation.override("en"):
        views_office.dashboard_body()
        views_office.dashboard_body()
    with translation.override("fr"):
        views_office.dashboard_body()
    assert rendered == ["en", "fr"]
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    with translation.override("en"):
        views_office.dashboard_body()
    assert rendered == ["en", "fr", "en"]
