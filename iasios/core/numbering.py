"""Gapless document numbers per series and year (invoices, credit notes, certificates).

Numbers come from one counter row per (series, year), locked with SELECT … FOR UPDATE inside the
transaction that issues the document: a rolled-back issue also rolls back its number (no gaps),
and concurrent issuers wait for each other instead of taking the same number (no duplicates).
A database sequence would be faster but hands out numbers that are lost on rollback.
"""

from __future__ import annotations

from django.db import transaction

from iasios.core.models import NumberCounter


def next_number(series: str, year: int) -> int:
    """The next number of `series` in `year`; must run inside the issuing transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number() must run inside the transaction that issues the document")
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(series=series, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last
