"""Sending: nothing before the commit; then rendered in the recipient's language, an inbox row,
delivery by a task; retries, preferences."""

from __future__ import annotations

import json
import smtplib
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.db import transaction
from django.utils import translation
from django_tasks import default_task_backend

from iasios.core import mail as core_mail
from iasios.core.mail import mail_language
from iasios.facilities import notifications as facility_mail
from iasios.notifications import services
from iasios.notifications.kinds import KINDS, kind_for
from iasios.notifications.mail import send_templated_mail
from iasios.notifications.models import Notification, NotificationOptOut
from iasios.notifications.tasks import MAX_ATTEMPTS, deliver_email
from tests import factories

pytestmark = pytest.mark.django_db

CONFIRMED = "facilities/email/confirmed"  # mandatory
JOIN_REQUESTED = "facilities/email/join_requested"  # optional


@pytest.fixture
def dummy_tasks(settings: Any) -> Any:
    """Tasks are only queued (as the database queue would), so a test can look at them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    default_task_backend.clear()  # type: ignore[attr-defined]
    return default_task_backend


def _context(cast: Any) -> dict[str, Any]:
    return {"facility": cast.facility, "facility_url": settings.SITE_URL + f"/facilities/{cast.facility.pk}/"}


def test_nothing_is_sent_before_the_commit_and_the_task_sends_after_it(
    cast: Any, dummy_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_templated_mail(CONFIRMED, [cast.representative.email], _context(cast))
    assert len(callbacks) == 1 and dummy_tasks.results == [] and mail.outbox == []
    assert Notification.objects.count() == 0  # no inbox row before the commit either

    callbacks[0]()  # the commit
    assert Notification.objects.filter(user=cast.representative, kind=CONFIRMED).count() == 1
    (result,) = dummy_tasks.results
    assert result.task.name == "deliver_email"
    json.dumps(result.kwargs)  # plain JSON: it survives the database queue
    assert result.kwargs["to"] == [cast.representative.email]
    assert result.kwargs["from_email"] == settings.DEFAULT_FROM_EMAIL
    assert mail.outbox == []

    result.task.call(*result.args, **result.kwargs)  # what the worker does
    (message,) = mail.outbox
    assert message.subject == result.kwargs["subject"]
    assert message.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    assert message.alternatives[0][1] == "text/html"


def test_in_tests_the_immediate_backend_delivers_on_commit(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(CONFIRMED, [cast.representative.email, cast.contact.email], _context(cast))
    (message,) = mail.outbox
    assert message.to == sorted([cast.representative.email, cast.contact.email])


def test_a_rolled_back_transaction_leaves_no_inbox_row_and_sends_nothing(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            send_templated_mail(CONFIRMED, [cast.representative.email], _context(cast))
            assert Notification.objects.count() == 0  # nothing inside the service's transaction
            raise RuntimeError("the service failed after mailing")
        send_templated_mail(JOIN_REQUESTED, [cast.contact.email], _context(cast))  # a later, committed one
    assert len(callbacks) == 1  # the rolled-back mail's callback went with its transaction
    assert list(Notification.objects.values_list("kind", "user")) == [(JOIN_REQUESTED, cast.contact.pk)]
    assert [m.to for m in mail.outbox] == [[cast.contact.email]]


def test_a_service_transaction_writes_no_inbox_row_and_queues_no_mail_before_it_commits(
    cast: Any, dummy_tasks: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            send_templated_mail(CONFIRMED, [cast.representative.email], _context(cast))
            with transaction.atomic():
                send_templated_mail(JOIN_REQUESTED, [cast.contact.email], _context(cast))
            assert Notification.objects.count() == 0 and dummy_tasks.results == [] and mail.outbox == []
        assert Notification.objects.count() == 0 and dummy_tasks.results == []  # the test's own transaction
    assert len(callbacks) == 2
    assert Notification.objects.count() == 2 and len(dummy_tasks.results) == 2


def test_a_template_error_is_logged_at_the_commit_and_stops_no_other_mail(
    cast: Any, django_capture_on_commit_callbacks: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail("facilities/email/no_such_mail", [cast.representative.email], {})
        send_templated_mail(CONFIRMED, [cast.contact.email], _context(cast))
    assert "no_such_mail" in caplog.text
    assert [n.user for n in Notification.objects.all()] == [cast.contact]
    assert [m.to for m in mail.outbox] == [[cast.contact.email]]


def test_no_addresses_sends_nothing(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_templated_mail(CONFIRMED, ["", None], _context(cast))  # type: ignore[list-item]
    assert callbacks == [] and Notification.objects.count() == 0


# ----------------------------------------------------------------------------- languages


@contextmanager
def _override_spy(monkeypatch: pytest.MonkeyPatch) -> Any:
    seen: list[str] = []
    real = translation.override

    def spy(language: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(language)
        return real(language, *args, **kwargs)

    monkeypatch.setattr(core_mail.translation, "override", spy)
    yield seen


def test_each_recipient_gets_the_mail_in_their_language(
    cast: Any, settings: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    # Only English translations ship; a second offered language shows the override is used.
    settings.LANGUAGES = [("en", "English"), ("fr", "Français")]
    cast.contact.language = "fr"
    cast.contact.save(update_fields=["language"])
    with _override_spy(monkeypatch) as seen, django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(
            CONFIRMED, [cast.representative.email, cast.contact.email, "someone@elsewhere.example"], _context(cast)
        )
    assert sorted(seen) == ["en", "fr"]  # rendered once per language, not per person
    by_recipients = {tuple(m.to) for m in mail.outbox}
    assert by_recipients == {
        (cast.contact.email,),
        tuple(sorted([cast.representative.email, "someone@elsewhere.example"])),
    }


def test_an_address_without_an_account_gets_the_site_language(
    db: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    facility = factories.make_facility()
    with _override_spy(monkeypatch) as seen, django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(CONFIRMED, ["nobody@example.net"], {"facility": facility, "facility_url": ""})
    assert seen == [settings.LANGUAGE_CODE]
    assert Notification.objects.count() == 0


def test_a_language_the_site_does_not_offer_falls_back_to_the_default() -> None:
    assert mail_language("xx") == settings.LANGUAGE_CODE
    assert mail_language("") == settings.LANGUAGE_CODE
    assert mail_language("en-gb") == "en"


# ----------------------------------------------------------------------------- inbox rows


def test_every_recipient_with_an_account_gets_an_inbox_row(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(
            CONFIRMED, [cast.representative.email, "outside@example.net"], _context(cast), link="/facilities/x/"
        )
    (row,) = Notification.objects.all()
    assert row.user == cast.representative
    assert row.kind == CONFIRMED
    assert row.link == "/facilities/x/"
    assert row.read_at is None and row.emailed
    assert str(cast.facility.name) in row.body
    assert not row.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)


@pytest.mark.parametrize(
    ("link", "context", "expected"),
    [
        (None, {"url": settings.SITE_URL + "/assessment/request/1/"}, "/assessment/request/1/"),
        ("https://elsewhere.example/page", {}, "https://elsewhere.example/page"),
        ("javascript:alert(1)", {}, ""),
        ("//evil.example/", {}, ""),
    ],
)
def test_the_inbox_link_is_a_safe_address(link: str | None, context: dict[str, Any], expected: str) -> None:
    assert services._inbox_link(link, context, "") == expected


def test_the_inbox_link_falls_back_to_the_first_link_to_this_site_in_the_text() -> None:
    text = f"See https://other.example/x and then {settings.SITE_URL}/billing/invoices/42/ please."
    assert services._inbox_link(None, {}, text) == "/billing/invoices/42/"


def test_activation_mails_carry_a_secret_and_stay_out_of_the_inbox(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert KINDS["facilities/email/activation"].inbox is False
    with django_capture_on_commit_callbacks(execute=True):
        facility_mail.activation(cast.facility, cast.representative, "secret-token")
    assert any("secret-token" in m.body for m in mail.outbox)
    assert not Notification.objects.filter(body__contains="secret-token").exists()


# ----------------------------------------------------------------------------- preferences


def test_an_opted_out_optional_mail_is_not_emailed_but_still_in_the_inbox(
    cast: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert not kind_for(JOIN_REQUESTED).mandatory
    services.preferences_save(user=cast.contact, emailed_kinds=[])
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(JOIN_REQUESTED, [cast.representative.email, cast.contact.email], _context(cast))
    (message,) = mail.outbox
    assert message.to == [cast.representative.email]
    rows = {row.user_id: row.emailed for row in Notification.objects.filter(kind=JOIN_REQUESTED)}
    assert rows == {cast.representative.pk: True, cast.contact.pk: False}


def test_a_mandatory_mail_ignores_an_opt_out(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    assert kind_for(CONFIRMED).mandatory
    NotificationOptOut.objects.create(user=cast.contact, kind=CONFIRMED)  # cannot come from the form
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_mail(CONFIRMED, [cast.contact.email], _context(cast))
    assert [m.to for m in mail.outbox] == [[cast.contact.email]]


def test_preferences_save_keeps_only_optional_kinds_switched_off(cast: Any) -> None:
    services.preferences_save(user=cast.contact, emailed_kinds=[JOIN_REQUESTED])
    off = set(NotificationOptOut.objects.filter(user=cast.contact).values_list("kind", flat=True))
    assert JOIN_REQUESTED not in off and CONFIRMED not in off
    assert off == {k.prefix for k in KINDS.values() if not k.mandatory} - {JOIN_REQUESTED}
    services.preferences_save(user=cast.contact, emailed_kinds=[k.prefix for k in KINDS.values()])
    assert not NotificationOptOut.objects.filter(user=cast.contact).exists()


def test_an_unregistered_kind_is_treated_as_mandatory() -> None:
    assert kind_for("somewhere/email/new_thing").mandatory


def test_every_mail_template_is_a_registered_kind_with_three_templates() -> None:
    templates = Path(settings.BASE_DIR) / "templates"
    found = {
        str(path.relative_to(templates)).removesuffix("_subject.txt")
        for path in templates.glob("*/email/*_subject.txt")
        if path.parts[-3] not in {"account", "mfa", "allauth"}
    }
    assert found == set(KINDS)
    for prefix in KINDS:
        for suffix in ("_subject.txt", ".txt", ".html"):
            assert (templates / f"{prefix}{suffix}").exists(), prefix + suffix


# ----------------------------------------------------------------------------- delivery retries


def _message_kwargs(attempt: int) -> dict[str, Any]:
    return {
        "subject": "Hello",
        "text": "Text",
        "html": "<p>Text</p>",
        "from_email": "office@example.org",
        "to": ["a@example.org"],
        "attempt": attempt,
    }


def _failing_send(self: Any, fail_silently: bool = False) -> int:
    raise smtplib.SMTPServerDisconnected("connection closed")


def test_a_failed_delivery_is_tried_again_later(dummy_tasks: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", _failing_send)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        deliver_email.call(**_message_kwargs(1))
    (retry,) = dummy_tasks.results
    assert retry.kwargs["attempt"] == 2
    assert retry.task.run_after is not None


def test_the_last_attempt_gives_up(dummy_tasks: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", _failing_send)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        deliver_email.call(**_message_kwargs(MAX_ATTEMPTS))
    assert dummy_tasks.results == []


def test_a_delivery_sends_the_rendered_parts() -> None:
    assert deliver_email.call(**_message_kwargs(1)) == 1
    (message,) = mail.outbox
    assert (message.subject, message.body, message.to) == ("Hello", "Text", ["a@example.org"])
    assert message.alternatives[0][0] == "<p>Text</p>"
