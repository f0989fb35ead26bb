"""The daily sweep on a moved clock (`--today`): every reminder offset, each sent once."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from iasios.assessment.models import EvidenceRequest
from iasios.decisions.models import Award
from iasios.notifications.models import Notification, SentReminder
from iasios.sweeps import reminders
from iasios.sweeps.management.commands import sweep as sweep_command
from tests.notifications.conftest import make_award, make_evidence_request

pytestmark = pytest.mark.django_db

DUE = date(2026, 6, 10)
OPENED = date(2026, 5, 1)
VALID_FROM = date(2022, 7, 1)
END = date(2026, 6, 30)


def sweep(day: date, capture: Any) -> str:
    out = StringIO()
    with capture(execute=True):
        call_command("sweep", "--today", day.isoformat(), stdout=out)
    return out.getvalue()


def kinds_sent() -> list[str]:
    return list(dict.fromkeys(Notification.objects.order_by("created_at").values_list("kind", flat=True)))


@pytest.fixture
def request_due(cast: Any, framework: Any) -> EvidenceRequest:
    return make_evidence_request(cast, framework, due_on=DUE, opened_on=OPENED)


@pytest.fixture
def award(cast: Any, framework: Any) -> Award:
    return make_award(cast, framework, valid_from=VALID_FROM, valid_until=END)


# ----------------------------------------------------------------------------- evidence requests


@pytest.mark.parametrize(
    ("today", "template", "offset"),
    [
        (DUE - timedelta(days=8), None, None),
        (DUE - timedelta(days=7), "evidence_due_soon", 7),
        (DUE - timedelta(days=4), "evidence_due_soon", 7),  # a missed day is caught up
        (DUE - timedelta(days=1), "evidence_due_final", 1),
        (DUE, "evidence_overdue", 0),
        (DUE + timedelta(days=5), "evidence_overdue", 0),
    ],
)
def test_evidence_reminder_for_each_offset_goes_once(
    request_due: EvidenceRequest,
    cast: Any,
    today: date,
    template: str | None,
    offset: int | None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sweep(today, django_capture_on_commit_callbacks)
    if template is None:
        assert mail.outbox == [] and not SentReminder.objects.exists()
        return
    (message,) = mail.outbox
    expected = {cast.representative.email, cast.contact.email, cast.contributor.email}
    if offset == 0:
        expected.add(cast.assessor.email)  # the requesting assessor hears of an overdue request
    assert set(message.to) == expected
    assert cast.read_only.email not in message.to
    assert f"/assessment/request/{request_due.pk}/" in message.body
    assert kinds_sent() == [f"notifications/email/{template}"]
    (sent,) = SentReminder.objects.all()
    assert (sent.kind, sent.object_id, sent.offset, sent.target_date) == (
        reminders.EVIDENCE,
        str(request_due.pk),
        offset,
        DUE,
    )
    rows = Notification.objects.count()

    sweep(today, django_capture_on_commit_callbacks)  # the second run
    assert len(mail.outbox) == 1 and Notification.objects.count() == rows and SentReminder.objects.count() == 1


def test_a_daily_sweep_sends_each_evidence_reminder_once_in_order(
    request_due: EvidenceRequest, django_capture_on_commit_callbacks: Any
) -> None:
    day = OPENED
    while day <= DUE + timedelta(days=10):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.reminders_sweep(today=day)
        day += timedelta(days=1)
    assert list(SentReminder.objects.order_by("sent_on").values_list("offset", "sent_on")) == [
        (7, DUE - timedelta(days=7)),
        (1, DUE - timedelta(days=1)),
        (0, DUE),
    ]
    assert len(mail.outbox) == 3


def test_a_request_opened_inside_a_window_skips_that_reminder(
    cast: Any, framework: Any, django_capture_on_commit_callbacks: Any
) -> None:
    make_evidence_request(cast, framework, due_on=DUE, opened_on=DUE - timedelta(days=5))
    for days_before in range(5, -1, -1):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.reminders_sweep(today=DUE - timedelta(days=days_before))
    assert sorted(SentReminder.objects.values_list("offset", flat=True)) == [0, 1]


def test_an_answered_request_gets_no_reminder(
    request_due: EvidenceRequest, django_capture_on_commit_callbacks: Any
) -> None:
    EvidenceRequest.objects.filter(pk=request_due.pk).update(status="answered")
    sweep(DUE + timedelta(days=1), django_capture_on_commit_callbacks)
    assert mail.outbox == [] and not SentReminder.objects.exists()


def test_a_new_due_date_starts_the_reminders_again(
    request_due: EvidenceRequest, django_capture_on_commit_callbacks: Any
) -> None:
    sweep(DUE - timedelta(days=1), django_capture_on_commit_callbacks)
    new_due = DUE + timedelta(days=20)
    EvidenceRequest.objects.filter(pk=request_due.pk).update(due_on=new_due)
    sweep(new_due - timedelta(days=1), django_capture_on_commit_callbacks)
    assert list(SentReminder.objects.order_by("sent_on").values_list("offset", "target_date")) == [
        (1, DUE),
        (1, new_due),
    ]


def test_the_offsets_come_from_the_programme_settings(
    request_due: EvidenceRequest, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    from iasios.standards.selectors import current_programme_settings

    programme = dataclasses.replace(current_programme_settings(), evidence_reminder_days=(3,))
    monkeypatch.setattr(reminders, "current_programme_settings", lambda: programme)
    for days_before in (7, 3, 1, 0):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.reminders_sweep(today=DUE - timedelta(days=days_before))
    assert list(SentReminder.objects.values_list("offset", flat=True)) == [3]
    assert kinds_sent() == ["notifications/email/evidence_due_final"]  # the only one is the last one


# ----------------------------------------------------------------------------- awards


@pytest.mark.parametrize(
    ("today", "months"),
    [
        (date(2025, 6, 29), None),
        (date(2025, 6, 30), 12),
        (date(2025, 12, 30), 6),
        (date(2026, 3, 30), 3),
        (date(2026, 5, 30), 1),
        (date(2026, 6, 30), 1),  # the last day of the term: the last reminder still goes
    ],
)
def test_award_reminder_for_each_offset_goes_once(
    award: Award, cast: Any, today: date, months: int | None, django_capture_on_commit_callbacks: Any
) -> None:
    sweep(today, django_capture_on_commit_callbacks)
    if months is None:
        assert mail.outbox == [] and not SentReminder.objects.exists()
        return
    (message,) = mail.outbox
    expected = {cast.representative.email, cast.contact.email}
    if months == 1:
        expected.add(cast.office.email)  # the office hears of the last one
    assert set(message.to) == expected
    assert f"/decisions/awards/{award.pk}/" in message.body
    assert END.strftime("%-d %B %Y") in message.subject
    final = months == 1
    assert kinds_sent() == ["notifications/email/award_expiry" + ("_final" if final else "")]
    assert list(SentReminder.objects.values_list("kind", "offset", "target_date")) == [(reminders.AWARD, months, END)]
    sweep(today, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1 and SentReminder.objects.count() == 1


def test_a_daily_sweep_sends_each_award_reminder_once(award: Award, django_capture_on_commit_callbacks: Any) -> None:
    day = date(2025, 6, 1)
    while day <= END + timedelta(days=5):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.reminders_sweep(today=day)
        day += timedelta(days=1)
    assert list(SentReminder.objects.order_by("sent_on").values_list("offset", "sent_on")) == [
        (12, date(2025, 6, 30)),
        (6, date(2025, 12, 30)),
        (3, date(2026, 3, 30)),
        (1, date(2026, 5, 30)),
    ]


def test_an_ended_award_is_expired_by_the_sweep_and_not_reminded(
    award: Award, django_capture_on_commit_callbacks: Any
) -> None:
    out = sweep(END + timedelta(days=1), django_capture_on_commit_callbacks)
    award.refresh_from_db()
    assert award.status == "expired"
    assert "awards: 1 expired" in out
    assert not SentReminder.objects.exists()


# ----------------------------------------------------------------------------- the command


def test_the_sweep_runs_billing_awards_and_reminders_in_order(
    db: Any, framework: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    calls: list[tuple[str, date | None]] = []
    real_billing, real_awards = sweep_command.billing_sweep, sweep_command.award_sweep

    def record(name: str, real: Any) -> Any:
        def wrapper(*, today: date | None = None) -> Any:
            calls.append((name, today))
            return real(today=today)

        return wrapper

    monkeypatch.setattr(sweep_command, "billing_sweep", record("billing", real_billing))
    monkeypatch.setattr(sweep_command, "award_sweep", record("awards", real_awards))
    monkeypatch.setattr(sweep_command, "reminders_sweep", record("reminders", reminders.reminders_sweep))
    out = sweep(date(2026, 2, 1), django_capture_on_commit_callbacks)
    assert calls == [("billing", date(2026, 2, 1)), ("awards", date(2026, 2, 1)), ("reminders", date(2026, 2, 1))]
    assert "billing:" in out and "awards:" in out and "reminders:" in out


def test_a_failing_step_does_not_stop_the_others(
    request_due: EvidenceRequest, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(*, today: date | None = None) -> Any:
        raise RuntimeError("billing is down")

    monkeypatch.setattr(sweep_command, "billing_sweep", broken)
    with pytest.raises(CommandError, match="billing"):
        sweep(DUE, django_capture_on_commit_callbacks)
    assert SentReminder.objects.filter(offset=0).exists()


def test_a_bad_date_is_refused(db: Any) -> None:
    with pytest.raises(CommandError, match="--today"):
        call_command("sweep", "--today", "31/05/2026")


def test_the_whole_sweep_run_twice_creates_nothing_the_second_time(
    request_due: EvidenceRequest, award: Award, cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from iasios.billing import services as billing
    from iasios.core.models import Event

    billing.invoice_issue_enrolment(facility=cast.facility, actor=cast.office)
    today = date(2026, 6, 3)
    sweep(today, django_capture_on_commit_callbacks)
    before = (len(mail.outbox), Notification.objects.count(), SentReminder.objects.count(), Event.objects.count())
    assert before[2] == 2  # the evidence request's 7-day and the award's 1-month reminder
    sweep(today, django_capture_on_commit_callbacks)
    after = (len(mail.outbox), Notification.objects.count(), SentReminder.objects.count(), Event.objects.count())
    assert after == before
