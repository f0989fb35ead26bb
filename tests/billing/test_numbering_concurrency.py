"""Gapless numbering under concurrent issue: real threads, real transactions, PostgreSQL only."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from iasios.billing import services
from iasios.billing.models import CreditNote, Invoice
from iasios.facilities.models import Facility

THREADS = 8
PER_THREAD = 5

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite serialises all writers, so it cannot show row-lock behaviour; CI runs this on PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]


def _run_in_threads(work: Any) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(THREADS)

    def worker(i: int) -> None:
        try:
            barrier.wait()
            for _n in range(PER_THREAD):
                work(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the test thread below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_concurrent_invoices_get_every_number_once(cast: Any, programme: Any) -> None:
    facility = Facility.objects.get(pk=cast.facility.pk)

    errors = _run_in_threads(lambda i: services.invoice_issue_enrolment(facility=facility))

    assert errors == []
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    year = Invoice.objects.first().issued_on.year  # type: ignore[union-attr]
    assert numbers == [f"{year}-{n:05d}" for n in range(1, THREADS * PER_THREAD + 1)]


def test_concurrent_credit_notes_get_every_number_once(cast: Any, programme: Any) -> None:
    facility = Facility.objects.get(pk=cast.facility.pk)
    invoices = iter([services.invoice_issue_enrolment(facility=facility) for _n in range(THREADS * PER_THREAD)])
    lock = threading.Lock()

    def credit(i: int) -> None:
        with lock:
            invoice = next(invoices)
        services.credit_note_issue(invoice=invoice, reason="test", actor=cast.office)

    errors = _run_in_threads(credit)

    assert errors == []
    numbers = sorted(CreditNote.objects.values_list("number", flat=True))
    year = CreditNote.objects.first().issued_on.year  # type: ignore[union-attr]
    assert numbers == [f"CN-{year}-{n:05d}" for n in range(1, THREADS * PER_THREAD + 1)]
