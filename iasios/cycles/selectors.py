"""Reads about a cycle that need more than the applications app knows: what stops a submission
(the case review included), whether a re-certification can start, whether the facility holds an
award. Each asks the app that owns the fact directly."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from iasios.applications.access import can_start_cycle, can_submit_cycle
from iasios.applications.models import EDITABLE_CYCLE_STATES, Cycle, CycleKind
from iasios.applications.selectors import Blocker, application_blockers, representative_of
from iasios.casereview import selectors as casereview_selectors
from iasios.decisions import selectors as decision_selectors
from iasios.facilities.models import Facility


def case_review_blocker(cycle: Cycle) -> Blocker | None:
    review = casereview_selectors.case_review_status(cycle)
    if review.complete:
        return None
    details = "; ".join(review.blockers) if review.blockers else ""
    message = _("The internal case review is not complete (%(done)s of %(required)s cases reviewed).") % {
        "done": review.reviewed,
        "required": review.required,
    }
    return Blocker(f"{message} {details}".strip(), review.url)


def cycle_blockers(cycle: Cycle) -> list[Blocker]:
    """Everything about the cycle itself that stops a submission (the signer is checked apart)."""
    blockers = application_blockers(cycle)
    if cycle.status not in EDITABLE_CYCLE_STATES:
        return blockers
    review = case_review_blocker(cycle)
    return [*blockers, review] if review is not None else blockers


def submission_blockers(cycle: Cycle, user: Any) -> list[Blocker]:
    """The pre-flight: the cycle's blockers, and whether this person may sign."""
    blockers = cycle_blockers(cycle)
    if cycle.status in EDITABLE_CYCLE_STATES and not can_submit_cycle(user, cycle):
        representative = representative_of(cycle.facility)
        blockers.append(
            Blocker(
                _("Only the authorised representative (%(name)s) can sign the declaration and submit.")
                % {"name": representative or _("not named yet")},
                reverse("facilities:dashboard", args=[cycle.facility_id]),
            )
        )
    return blockers


def case_review_status(cycle: Cycle) -> Any:
    return casereview_selectors.case_review_status(cycle)


def case_review_url(cycle: Cycle) -> str:
    """The case review page of a cycle."""
    return reverse("casereview:cycle", args=[cycle.pk])


def has_current_award(facility: Facility) -> bool:
    """Does the facility hold an award in force (valid or suspended)?"""
    return decision_selectors.current_award(facility) is not None


class RecertificationState:
    """Where a facility stands towards its re-certification (`RecertificationStatus.state`)."""

    NONE = "none"  # no award in force or suspended: nothing to re-certify (an initial application instead)
    UPCOMING = "upcoming"  # the award runs; the window opens on `opens_on`
    OPEN = "open"  # the window is open and no re-certification has started
    IN_PROGRESS = "in_progress"  # a re-certification is open (`cycle`)
    DECIDED = "decided"  # the next award is decided and starts when the current one ends (`next_award`)


@dataclass
class RecertificationStatus:
    """What the facility's pages say about re-certification, and whether `user` may start it."""

    state: str
    facility_id: Any = None
    opens_on: date | None = None
    award_ends_on: date | None = None
    can_start: bool = False
    centre_of_excellence: bool = False
    cycle: Cycle | None = None
    next_award: Any = None

    @property
    def url(self) -> str:
        """Where the facility goes next: the open re-certification, else the start page."""
        if self.cycle is not None:
            return reverse("applications:workspace", args=[self.cycle.pk])
        return reverse("applications:recertify", args=[self.facility_id])


def recertification_status(facility: Facility, user: Any = None, today: date | None = None) -> RecertificationStatus:
    """The facility's re-certification: its state, the day the window opens, the end of the award,
    and (given `user`) whether they may start it now and aim for Centre of Excellence (the rule of
    `cycles.services.cycle_start_recertification`: a full term completed)."""
    today = today or timezone.localdate()
    award = decision_selectors.current_award(facility)
    status = RecertificationStatus(state=RecertificationState.NONE, facility_id=facility.pk)
    if award is not None:
        status.state = RecertificationState.UPCOMING
        status.opens_on = decision_selectors.recertification_opens_on(award)
        status.award_ends_on = award.valid_until
    status.next_award = decision_selectors.next_award(facility)
    status.cycle = Cycle.objects.open().filter(facility=facility, kind=CycleKind.RECERTIFICATION).first()
    if status.next_award is not None:
        status.state = RecertificationState.DECIDED
    elif status.cycle is not None:
        status.state = RecertificationState.IN_PROGRESS
    elif decision_selectors.recertification_open(facility, today):
        status.state = RecertificationState.OPEN
        status.can_start = (
            user is not None
            and can_start_cycle(user, facility)
            and not Cycle.objects.open().filter(facility=facility).exists()
            and Cycle.objects.decided().filter(facility=facility).exists()
        )
        status.centre_of_excellence = bool(decision_selectors.full_term_completed(facility))
    return status


@dataclass
class RecertificationWindow:
    """Whether the window is open, whether `user` can start now, and whether they may aim for Centre of Excellence."""

    open: bool
    can_start: bool
    centre_of_excellence: bool


def recertification_window(facility: Facility, user: Any) -> RecertificationWindow:
    """The window's part of `recertification_status`."""
    status = recertification_status(facility, user)
    return RecertificationWindow(
        open=bool(decision_selectors.recertification_open(facility, timezone.localdate())),
        can_start=status.can_start,
        centre_of_excellence=status.can_start and status.centre_of_excellence,
    )
