"""The event log is append-only and shown as a timeline."""

from __future__ import annotations

import pytest

from iasios.core.events import record_event, timeline
from iasios.core.models import Event, EventLogIsAppendOnly
from tests import factories

pytestmark = pytest.mark.django_db


def test_an_event_cannot_be_changed() -> None:
    facility = factories.make_facility()
    event = record_event(obj=facility, action="noted")
    event.reason = "rewritten"
    with pytest.raises(EventLogIsAppendOnly):
        event.save()
    assert Event.objects.get(pk=event.pk).reason == ""


def test_an_event_cannot_be_deleted_one_by_one_or_in_bulk() -> None:
    facility = factories.make_facility()
    event = record_event(obj=facility, action="noted")
    with pytest.raises(EventLogIsAppendOnly):
        event.delete()
    with pytest.raises(EventLogIsAppendOnly):
        Event.objects.all().delete()
    with pytest.raises(EventLogIsAppendOnly):
        Event.objects.filter(pk=event.pk).update(reason="x")
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_timeline_holds_only_the_objects_events_newest_first(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    facility, other = factories.make_facility(), factories.make_facility()
    actor = factories.make_user()
    record_event(obj=facility, action="first", actor=actor)
    record_event(obj=other, action="elsewhere")
    record_event(obj=facility, action="second")
    with django_assert_num_queries(1):  # events and their actors in one query (content types are cached)
        events = list(timeline(facility))
    assert [e.action for e in events] == ["second", "first"]
    assert events[1].actor == actor


def test_an_anonymous_actor_is_recorded_as_the_system() -> None:
    from django.contrib.auth.models import AnonymousUser

    event = record_event(obj=factories.make_facility(), action="swept", actor=AnonymousUser())
    assert event.actor is None
