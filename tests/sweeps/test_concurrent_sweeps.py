"""Two `manage.py sweep` running at once on separate connections (two nodes' cron at the same
minute) send each reminder, warning and invoice once. Each sweep reads what was sent, then both
wait at a barrier, so both try to send the same reminders (the worst case) before either wrote.

PostgreSQL only: SQLite's test database lives in one connection's memory and takes one writer at a
time, so two sweeps cannot overlap there; CI's PostgreSQL pass runs this module.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from iasios.billing import services as billing
from iasios.billing.models import Invoice
from iasios.core.models import Event
from iasios.decisions.models import AwardStatus
from iasios.notifications.models import Notification, SentReminder
from iasios.sweeps import reminders
from tests import factories
from tests.notifications.conftest import make_award, make_evidence_request

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs a database that two connections write at once (PostgreSQL; CI's PostgreSQL pass runs it)",
    ),
]

TODAY = date(2026, 6, 3)  # the evidence request's 7-day reminder and the award's 1-month reminder are due
SWEEPS = 2


def _run_concurrently(work: Callable[[], None]) -> list[BaseException]:
    """`work` in SWEEPS threads, each with its own database connection; the errors they raised."""
    errors: list[BaseException] = []

    def thread_body() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=thread_body) for _ in range(SWEEPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_sweeps_at_once_send_each_reminder_once(
    transactional_db: Any, cast: Any, framework: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_evidence_request(cast, framework, due_on=date(2026, 6, 10), opened_on=date(2026, 5, 1))
    make_award(cast, framework, valid_from=date(2022, 7, 1), valid_until=date(2026, 6, 30))
    other = dataclasses.replace(cast, facility=factories.make_facility())
    ended = make_award(other, framework, valid_from=date(2022, 6, 1), valid_until=date(2026, 6, 1))
    billing.invoice_issue_enrolment(facility=cast.facility, actor=cast.office)
    invoices_before = Invoice.objects.count()

    both_have_read = threading.Barrier(SWEEPS, timeout=60)
    real_already_sent = reminders._already_sent

    def already_sent_then_wait(kind: str, object_ids: Iterable[str]) -> set[tuple[str, int, date]]:
        sent = real_already_sent(kind, object_ids)
        both_have_read.wait()  # neither sweep has written its reminders yet
        return sent

    monkeypatch.setattr(reminders, "_already_sent", already_sent_then_wait)
    outputs = [StringIO() for _ in range(SWEEPS)]
    started = iter(outputs)

    def one_sweep() -> None:
        call_command("sweep", "--today", TODAY.isoformat(), stdout=next(started))

    assert _run_concurrently(one_sweep) == []

    assert sorted(SentReminder.objects.values_list("kind", "offset")) == [
        (reminders.AWARD, 1),
        (reminders.EVIDENCE, 7),
    ]
    # Both sweeps tried them; the lines each printed add up to one of each.
    printed = "".join(out.getvalue() for out in outputs)
    assert printed.count("due in 7 day(s)") == 1 and printed.count("ends in 1 month(s)") == 1
    subjects = Counter(message.subject for message in mail.outbox)
    assert len(subjects) >= 2 and max(subjects.values()) == 1, subjects
    notifications = Counter(Notification.objects.values_list("kind", "user_id"))
    assert notifications and max(notifications.values()) == 1, notifications
    # No annual invoice billed twice; the ended award expired once.
    periods = Counter(Invoice.objects.values_list("facility_id", "kind", "period_start"))
    assert Invoice.objects.count() >= invoices_before and max(periods.values()) == 1
    ended.refresh_from_db()
    assert ended.status == AwardStatus.EXPIRED
    award_events = Counter(Event.objects.for_object(ended).values_list("action", flat=True))
    assert award_events and max(award_events.values()) == 1, award_events
    assert printed.count(f"award {ended.pk} expired") == 1
