"""Reminders of the daily sweep: evidence requests coming due or overdue, awards coming to an end.

The offsets come from the programme settings (`evidence_reminder_days`, where 0 means "on or
after the due date", and `expiry_reminder_months`). On a given day an object gets at most the
reminder of the nearest offset whose window has begun; windows that began before the object
existed are skipped (a request opened five days before its due date gets no "due in 7 days"
reminder), and a day the sweep did not run is caught up on the next one. Each reminder is sent
once: a SentReminder row with a unique key is written in the transaction that schedules the
mail, and the mail leaves only when that row is committed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from iasios.accounts.models import User
from iasios.accounts.roles import FACILITY_EDITOR_ROLES, ProgrammeRoleName
from iasios.applications.dates import add_months
from iasios.assessment.models import EvidenceRequest, EvidenceRequestStatus
from iasios.decisions.models import CURRENT_AWARD_STATES, Award, AwardStatus
from iasios.facilities.models import Membership
from iasios.facilities.selectors import manager_emails
from iasios.notifications.mail import send_templated_mail
from iasios.notifications.models import SentReminder
from iasios.standards.selectors import current_programme_settings

EVIDENCE = "evidence_request"
AWARD = "award_expiry"
PREFIX = "notifications/email/"


@dataclass
class ReminderResult:
    evidence: list[tuple[Any, int]] = field(default_factory=list)
    awards: list[tuple[Any, int]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"evidence request {obj.pk}: {'overdue' if n == 0 else f'due in {n} day(s)'}" for obj, n in self.evidence
        ]
        out += [f"award {obj.pk}: ends in {n} month(s)" for obj, n in self.awards]
        return out


def nearest_offset(offsets: Iterable[int], window_start: Callable[[int], date], today: date) -> int | None:
    """The smallest offset whose window (from `window_start(offset)` on) has begun by `today`."""
    begun = [n for n in offsets if window_start(n) <= today]
    return min(begun) if begun else None


def _site_url(path: str) -> str:
    return settings.SITE_URL + path


def _already_sent(kind: str, object_ids: Iterable[str]) -> set[tuple[str, int, date]]:
    return set(
        SentReminder.objects.filter(kind=kind, object_id__in=list(object_ids)).values_list(
            "object_id", "offset", "target_date"
        )
    )


def _send_once(*, kind: str, object_id: str, offset: int, target: date, today: date, send: Callable[[], None]) -> bool:
    """Record the reminder and schedule its mail in one transaction (the mail is rendered and
    sent when it commits); False when it was sent before (also when another sweep running at the
    same moment wrote it first)."""
    try:
        with transaction.atomic():
            SentReminder.objects.create(
                kind=kind, object_id=object_id, offset=offset, target_date=target, sent_on=today
            )
            send()
    except IntegrityError:
        return False
    return True


def _office_emails() -> list[str]:
    return list(
        User.objects.filter(programme_role_set__role=ProgrammeRoleName.OFFICE, is_active=True).values_list(
            "email", flat=True
        )
    )


# ----------------------------------------------------------------------------- evidence requests


def _facility_editor_emails(facility: Any) -> list[str]:
    emails = list(
        Membership.objects.filter(facility=facility, role__in=list(FACILITY_EDITOR_ROLES)).values_list(
            "user__email", flat=True
        )
    )
    return emails or manager_emails(facility)


def evidence_reminders_send(*, today: date, offsets: Iterable[int]) -> list[tuple[Any, int]]:
    offsets = sorted(set(offsets))
    before = [n for n in offsets if n > 0]
    if not offsets:
        return []
    last_before = min(before) if before else None
    candidates = list(
        EvidenceRequest.objects.filter(
            status=EvidenceRequestStatus.OPEN, due_on__lte=today + timedelta(days=max(offsets))
        ).select_related("cycle__facility", "requirement", "assignment__assessor")
    )
    sent_before = _already_sent(EVIDENCE, (str(r.pk) for r in candidates))
    sent = []
    for request in candidates:
        due: date = request.due_on
        offset = nearest_offset(offsets, lambda n, due=due: due - timedelta(days=n), today)  # type: ignore[misc]
        if offset is None or (str(request.pk), offset, due) in sent_before:
            continue
        if offset > 0 and timezone.localdate(request.opened_at) > due - timedelta(days=offset):
            continue  # the request did not exist when this reminder's window began
        if offset == 0:
            template = PREFIX + "evidence_overdue"
            to = [*_facility_editor_emails(request.cycle.facility), request.assignment.assessor.email]
        else:
            template = PREFIX + ("evidence_due_final" if offset == last_before else "evidence_due_soon")
            to = _facility_editor_emails(request.cycle.facility)
        url = _site_url(reverse("assessment:request", args=[request.pk]))
        context = {
            "request": request,
            "cycle": request.cycle,
            "facility": request.cycle.facility,
            "requirement": request.requirement,
            "due_on": due,
            "days_left": (due - today).days,
            "days_overdue": (today - due).days,
            "url": url,
        }

        def send(template: str = template, to: list[str] = to, context: dict[str, Any] = context) -> None:
            send_templated_mail(template, to, context, link=context["url"])

        if _send_once(kind=EVIDENCE, object_id=str(request.pk), offset=offset, target=due, today=today, send=send):
            sent.append((request, offset))
    return sent


# ----------------------------------------------------------------------------- awards


def award_reminders_send(*, today: date, offsets: Iterable[int]) -> list[tuple[Any, int]]:

    offsets = sorted({n for n in offsets if n > 0})
    if not offsets:
        return []
    last = offsets[0]
    candidates = list(
        Award.objects.filter(
            status__in=list(CURRENT_AWARD_STATES),
            valid_until__gte=today,
            valid_until__lte=add_months(today, max(offsets)) + timedelta(days=3),  # month ends clamp
        )
        # The next award is decided (granted on re-certification, starting when this one ends): no reminder.
        .exclude(facility__awards__status=AwardStatus.PENDING)
        .select_related("facility")
    )
    sent_before = _already_sent(AWARD, (str(a.pk) for a in candidates))
    office = None
    sent = []
    for award in candidates:
        end: date = award.valid_until
        offset = nearest_offset(offsets, lambda n, end=end: add_months(end, -n), today)  # type: ignore[misc]
        if offset is None or (str(award.pk), offset, end) in sent_before:
            continue
        if award.valid_from > add_months(end, -offset):
            continue  # the award began after this reminder's window opened
        to = manager_emails(award.facility)
        if offset == last:
            office = _office_emails() if office is None else office
            to = [*to, *office]
        context = {
            "award": award,
            "facility": award.facility,
            "valid_until": end,
            "months": offset,
            "days_left": (end - today).days,
            "final": offset == last,
            "url": _site_url(reverse("decisions:award", args=[award.pk])),
        }
        template = PREFIX + ("award_expiry_final" if offset == last else "award_expiry")

        def send(template: str = template, to: list[str] = to, context: dict[str, Any] = context) -> None:
            send_templated_mail(template, to, context, link=context["url"])

        if _send_once(kind=AWARD, object_id=str(award.pk), offset=offset, target=end, today=today, send=send):
            sent.append((award, offset))
    return sent


def reminders_sweep(*, today: date | None = None) -> ReminderResult:
    """Every reminder due on `today` (default: the local date), each sent once."""
    today = today or timezone.localdate()
    programme = current_programme_settings()
    return ReminderResult(
        evidence=evidence_reminders_send(today=today, offsets=programme.evidence_reminder_days),
        awards=award_reminders_send(today=today, offsets=programme.expiry_reminder_months),
    )
