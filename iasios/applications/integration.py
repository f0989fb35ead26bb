"""What the applications app needs from the internal case review, in one place.

The case review app (iasios.casereview) provides `case_review_status(cycle)` for the
submission pre-flight and `case_review_snapshot(cycle)` for the dossier. They are imported
when called, so that the two apps stay loosely coupled and tests can stand in for them here.
"""

from __future__ import annotations

from typing import Any, Protocol

from django.urls import NoReverseMatch, reverse

from iasios.applications.models import Cycle


class CaseReviewStatus(Protocol):
    @property
    def complete(self) -> bool: ...
    @property
    def reviewed(self) -> int: ...
    @property
    def required(self) -> int: ...
    @property
    def blockers(self) -> list[str]: ...
    @property
    def url(self) -> str: ...


def case_review_status(cycle: Cycle) -> CaseReviewStatus:
    from iasios.casereview.selectors import case_review_status as status

    return status(cycle)


def case_review_snapshot(cycle: Cycle) -> dict[str, Any]:
    from iasios.casereview.selectors import case_review_snapshot as snapshot

    return snapshot(cycle)


def case_review_url(cycle: Cycle) -> str:
    """The case review page of a cycle."""
    try:
        return reverse("casereview:cycle", args=[cycle.pk])
    except NoReverseMatch:
        return f"/case-review/cycle/{cycle.pk}/"
