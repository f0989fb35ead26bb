"""A reason the system writes (the award sweep) is worded when read, in the reader's language,
not frozen in the language the sweep ran in (issue 12)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import translation
from django.utils.formats import date_format

from iasios.core.event_display import event_reason, timeline_entries
from iasios.core.models import Event
from iasios.decisions.services import award_sweep
from tests.notifications.conftest import make_award

pytestmark = pytest.mark.django_db


def test_the_award_sweeps_reasons_follow_the_readers_language(cast: Any, framework: Any) -> None:
    award = make_award(cast, framework, valid_from=date(2023, 1, 1), valid_until=date(2025, 12, 31))
    with translation.override("en"):
        award_sweep(today=date(2026, 1, 5))
    events = list(Event.objects.filter(object_id=str(award.pk)).order_by("created_at"))
    (ended,) = [e for e in events if e.action == "expire"]
    assert ended.reason.startswith("The term ended on")  # the text as written, in the sweep's language
    with translation.override("de"):
        german = translation.gettext("The term ended on %(date)s.") % {
            "date": date_format(date(2025, 12, 31), "DATE_FORMAT")
        }
        assert german != ended.reason
        assert event_reason(ended) == german
        assert german in [line.reason for line in timeline_entries(events)]
    with translation.override("en"):
        assert event_reason(ended) == ended.reason


def test_an_event_without_a_coded_reason_shows_its_reason_as_written(cast: Any) -> None:
    event = Event(reason="Typed by the office.", data={"reason": {"code": "unknown"}})
    assert event_reason(event) == "Typed by the office."


def test_a_role_granted_is_named_in_the_readers_language() -> None:
    from iasios.accounts.roles import ProgrammeRoleName
    from iasios.accounts.services import programme_role_grant
    from tests import factories

    person = factories.make_user(name="Appeals Only")
    with translation.override("en"):
        programme_role_grant(user=person, role=ProgrammeRoleName.APPEALS)
    (event,) = Event.objects.filter(object_id=str(person.pk), action="programme_role_granted")
    assert event.reason == "Committee member for appeals only"  # as written, in the granting page's language
    with translation.override("de"):
        german = str(ProgrammeRoleName.APPEALS.label)
        assert german != event.reason
        assert event_reason(event) == german


def test_a_lapse_for_an_unpaid_invoice_is_explained_in_the_readers_language(cast: Any) -> None:
    from iasios.billing import services as billing
    from iasios.facilities.models import Facility
    from tests.billing.conftest import set_facility_state

    set_facility_state(cast.facility, "enrolled", enrolled_on=date(2025, 3, 10))
    with translation.override("en"):
        invoice = billing.billing_sweep(today=date(2026, 3, 10)).issued[0]
        lapsed = billing.billing_sweep(today=invoice.due_on + timedelta(days=200)).lapsed
    assert [f.pk for f in lapsed] == [cast.facility.pk]
    event = Event.objects.for_object(Facility.objects.get(pk=cast.facility.pk)).filter(action="lapse").get()
    assert event.reason.startswith("Annual fee invoice")  # as written, in the sweep's language
    with translation.override("de"):
        german = billing.lapse_reason(invoice.number, int(event.data["unpaid"]["days"]), invoice.due_on)
        assert invoice.number in german and german != event.reason
        assert event_reason(event) == german
