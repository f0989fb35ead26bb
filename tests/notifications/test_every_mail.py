"""Every kind of e-mail, sent through the code that sends it in production, checked for its
recipients, its subject and the link it carries (in the text and in the HTML body), and for the
inbox row it leaves."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from iasios.accounts.roles import FacilityRoleName
from iasios.applications import notifications as application_mail
from iasios.applications.models import Cycle, Dossier
from iasios.billing import services as billing
from iasios.billing.models import Invoice
from iasios.certificates.services import certificate_issue
from iasios.decisions import notifications as decision_mail
from iasios.decisions.models import Appeal, Award, Vote
from iasios.facilities import notifications as facility_mail
from iasios.facilities.models import Invitation, JoinRequest, JoinRequestStatus
from iasios.notifications.kinds import KINDS
from iasios.notifications.mail import send_templated_mail
from iasios.notifications.models import Notification
from iasios.sweeps.reminders import award_reminders_send, evidence_reminders_send
from tests import factories
from tests.notifications.conftest import make_award, make_evidence_request

pytestmark = pytest.mark.django_db


@dataclass
class Sent:
    to: set[str]
    subject: str  # a part of the subject
    path: str  # the page the mail (or, when it carries no link, its inbox row) links to
    in_mail: bool = True  # False: the message carries no link to this site
    html_anchor: bool = True  # False: the HTML body shows the address as text, not as a link


def managers(cast: Any) -> set[str]:
    return {cast.representative.email, cast.contact.email}


def editors(cast: Any) -> set[str]:
    return managers(cast) | {cast.contributor.email}


def _invoice(cast: Any) -> Invoice:
    return billing.invoice_issue_enrolment(facility=cast.facility, actor=cast.office)


def activation(cast: Any, framework: Any) -> Sent:
    facility_mail.activation(cast.facility, cast.representative, "tok-123")
    return Sent({cast.representative.email}, "", reverse("facilities:activate", args=["tok-123"]))


def activated(cast: Any, framework: Any) -> Sent:
    facility_mail.activated(cast.facility, cast.representative)
    return Sent({cast.representative.email}, "", reverse("facilities:dashboard", args=[cast.facility.pk]))


def registration_to_confirm(cast: Any, framework: Any) -> Sent:
    facility_mail.registration_awaits_confirmation(cast.facility)
    return Sent({cast.office.email}, cast.facility.name, reverse("office_facilities:detail", args=[cast.facility.pk]))


def invitation(cast: Any, framework: Any) -> Sent:
    invite = Invitation.objects.create(
        facility=cast.facility, email="new.colleague@example.org", role=FacilityRoleName.CONTRIBUTOR
    )
    facility_mail.invitation(invite)
    return Sent({"new.colleague@example.org"}, cast.facility.name, reverse("account_signup"))


def join_requested(cast: Any, framework: Any) -> Sent:
    joiner = factories.make_user(name="Jo Joiner")
    facility_mail.join_requested(JoinRequest.objects.create(facility=cast.facility, user=joiner))
    return Sent(managers(cast), "", reverse("facilities:dashboard", args=[cast.facility.pk]))


def join_decided(cast: Any, framework: Any) -> Sent:
    joiner = factories.make_user(name="Jo Joiner")
    request = JoinRequest.objects.create(
        facility=cast.facility, user=joiner, status=JoinRequestStatus.APPROVED, role=FacilityRoleName.CONTRIBUTOR
    )
    facility_mail.join_decided(request)
    return Sent({joiner.email}, "", reverse("facilities:dashboard", args=[cast.facility.pk]))


def representative_changed(cast: Any, framework: Any) -> Sent:
    facility_mail.representative_changed(cast.facility, cast.contact)
    return Sent(managers(cast), "", reverse("facilities:dashboard", args=[cast.facility.pk]))


def confirmed(cast: Any, framework: Any) -> Sent:
    facility_mail.registration_confirmed(cast.facility)
    return Sent(managers(cast), "", reverse("facilities:dashboard", args=[cast.facility.pk]))


def rejected(cast: Any, framework: Any) -> Sent:
    facility_mail.registration_rejected(cast.facility)
    return Sent(managers(cast), "", reverse("facilities:dashboard", args=[cast.facility.pk]), in_mail=False)


def enrolled(cast: Any, framework: Any) -> Sent:
    facility_mail.facility_enrolled(cast.facility)
    return Sent(managers(cast), "", reverse("facilities:dashboard", args=[cast.facility.pk]))


def lapsed(cast: Any, framework: Any) -> Sent:
    facility_mail.facility_lapsed(cast.facility)
    return Sent(managers(cast), "", reverse("facilities:dashboard", args=[cast.facility.pk]))


def restored(cast: Any, framework: Any) -> Sent:
    facility_mail.facility_restored(cast.facility)
    return Sent(managers(cast), "", reverse("facilities:dashboard", args=[cast.facility.pk]))


def invoice_issued(cast: Any, framework: Any) -> Sent:
    invoice = _invoice(cast)
    return Sent(managers(cast), invoice.number, reverse("billing:invoice_detail", args=[invoice.pk]))


def payment_received(cast: Any, framework: Any) -> Sent:
    invoice = _invoice(cast)
    mail.outbox.clear()
    Notification.objects.all().delete()
    billing.payment_record(
        invoice=invoice, amount=Decimal("1.00"), paid_on=timezone.localdate(), reference="BANK-1", actor=cast.office
    )
    return Sent(managers(cast), invoice.number, reverse("billing:invoice_detail", args=[invoice.pk]))


def lapse_warning(cast: Any, framework: Any) -> Sent:
    invoice = _invoice(cast)
    mail.outbox.clear()
    Notification.objects.all().delete()
    send_templated_mail(
        "billing/email/lapse_warning",
        billing.billing_recipients(cast.facility),
        {"invoice": invoice, "facility": cast.facility, "lapse_on": date(2026, 9, 1), "today": date(2026, 8, 1)},
    )
    return Sent(managers(cast), invoice.number, reverse("billing:invoice_detail", args=[invoice.pk]))


def credit_note_issued(cast: Any, framework: Any) -> Sent:
    invoice = _invoice(cast)
    note = billing.credit_note_issue(invoice=invoice, reason="Issued twice.", actor=cast.office)
    return Sent(managers(cast), note.number, reverse("billing:invoice_detail", args=[invoice.pk]))


def consultation_scheduled(cast: Any, framework: Any) -> Sent:
    consultation = billing.consultation_request(
        facility=cast.facility, actor=cast.representative, topic="Setting up the tumour board"
    )
    billing.consultation_schedule(
        consultation=consultation, scheduled_for=timezone.now() + timedelta(days=14), actor=cast.office
    )
    return Sent(managers(cast), cast.facility.name, reverse("billing:consultations", args=[cast.facility.pk]))


def _submitted_cycle(cast: Any, framework: Any) -> tuple[Cycle, Dossier]:
    cycle = Cycle.objects.create(facility=cast.facility, framework=framework, status="submitted")
    dossier = Dossier.objects.create(
        cycle=cycle, snapshot={}, sha256="cd" * 32, signed_by=cast.representative, declaration="We declare."
    )
    return cycle, dossier


def submitted(cast: Any, framework: Any) -> Sent:
    cycle, dossier = _submitted_cycle(cast, framework)
    application_mail.cycle_submitted(cycle, dossier)
    # The facility's managers and the programme office (not the administrator, assessors or committee).
    to = managers(cast) | {cast.office.email}
    return Sent(to, cast.facility.name, reverse("applications:dossier", args=[cycle.pk]))


def returned(cast: Any, framework: Any) -> Sent:
    cycle, _dossier = _submitted_cycle(cast, framework)
    application_mail.cycle_returned(cycle, "The night rota of standard 2 is missing.")
    return Sent(managers(cast), cast.facility.name, reverse("applications:workspace", args=[cycle.pk]))


def _assessor_mail(template: str, cast: Any, framework: Any) -> Sent:
    request = make_evidence_request(cast, framework, due_on=date(2026, 6, 1), opened_on=date(2026, 5, 1))
    assignment = request.assignment
    url = settings.SITE_URL + reverse("assessment:assignment", args=[assignment.pk])
    send_templated_mail(
        template,
        [assignment.assessor.email],
        {"assignment": assignment, "cycle": assignment.cycle, "facility": cast.facility, "url": url},
    )
    return Sent({cast.assessor.email}, cast.facility.name, reverse("assessment:assignment", args=[assignment.pk]))


def assigned(cast: Any, framework: Any) -> Sent:
    return _assessor_mail("assessment/email/assigned", cast, framework)


def review_reopened(cast: Any, framework: Any) -> Sent:
    return _assessor_mail("assessment/email/review_reopened", cast, framework)


def _request_mail(template: str, to: list[str], cast: Any, framework: Any) -> tuple[Any, str]:
    request = make_evidence_request(cast, framework, due_on=date(2026, 6, 1), opened_on=date(2026, 5, 1))
    path = reverse("assessment:request", args=[request.pk])
    send_templated_mail(
        template,
        to,
        {
            "request": request,
            "cycle": request.cycle,
            "facility": cast.facility,
            "requirement": request.requirement,
            "url": settings.SITE_URL + path,
        },
    )
    return request, path


def evidence_requested(cast: Any, framework: Any) -> Sent:
    request, path = _request_mail("assessment/email/evidence_requested", sorted(editors(cast)), cast, framework)
    return Sent(editors(cast), request.requirement.reference, path)


def evidence_answered(cast: Any, framework: Any) -> Sent:
    request, path = _request_mail("assessment/email/evidence_answered", [cast.assessor.email], cast, framework)
    return Sent({cast.assessor.email}, request.requirement.reference, path)


def _award(cast: Any, framework: Any) -> Award:
    return make_award(cast, framework, valid_from=date(2022, 7, 1), valid_until=date(2026, 6, 30))


def decision_taken(cast: Any, framework: Any) -> Sent:
    decision = _award(cast, framework).decision
    decision.refresh_from_db()
    decision_mail.decision_taken(decision)
    return Sent(managers(cast), cast.facility.name, reverse("decisions:detail", args=[decision.pk]))


def appeal_decided(cast: Any, framework: Any) -> Sent:
    decision = _award(cast, framework).decision
    appeal = Appeal.objects.create(
        decision=decision, lodged_by=cast.representative, lodged_on=date(2026, 1, 5), grounds="We disagree."
    )
    decision_mail.appeal_decided(appeal)
    return Sent(managers(cast), cast.facility.name, reverse("decisions:appeal_letter", args=[appeal.pk]))


def appeal_lodged(cast: Any, framework: Any) -> Sent:
    decision = _award(cast, framework).decision
    voter = factories.make_staff("committee", name="Vera Voter")
    Vote.objects.create(decision=decision, member=voter, outcome="accredited")
    appeal = Appeal.objects.create(
        decision=decision, lodged_by=cast.representative, lodged_on=date(2026, 1, 5), grounds="We disagree."
    )
    decision_mail.appeal_lodged(appeal)
    # The office and the committee members who may hear it: not the member who voted.
    return Sent(
        {cast.office.email, cast.committee.email}, cast.facility.name, reverse("decisions:appeal", args=[appeal.pk])
    )


def appeal_panel(cast: Any, framework: Any) -> Sent:
    decision = _award(cast, framework).decision
    appeal = Appeal.objects.create(
        decision=decision, lodged_by=cast.representative, lodged_on=date(2026, 1, 5), grounds="We disagree."
    )
    member = factories.make_staff("committee", name="Paula Panel")
    decision_mail.appeal_panel_appointed(appeal, [member])
    # Only the appointed members: not the office, not the other committee members.
    return Sent({member.email}, cast.facility.name, reverse("committee:appeal", args=[appeal.pk]))


def award_granted(cast: Any, framework: Any) -> Sent:
    award = _award(cast, framework)
    decision_mail.award_granted(award, certificate_issue(award=award))
    return Sent(managers(cast), cast.facility.name, reverse("decisions:award", args=[award.pk]))


def award_status(cast: Any, framework: Any) -> Sent:
    award = _award(cast, framework)
    decision_mail.award_status_changed(award)
    return Sent(managers(cast), cast.facility.name, reverse("decisions:award", args=[award.pk]))


def _evidence_reminder(cast: Any, framework: Any, days_before: int) -> Sent:
    due = date(2026, 6, 10)
    request = make_evidence_request(cast, framework, due_on=due, opened_on=date(2026, 5, 1))
    assert evidence_reminders_send(today=due - timedelta(days=days_before), offsets=[7, 1, 0])
    to = editors(cast) | ({cast.assessor.email} if days_before <= 0 else set())
    return Sent(to, request.requirement.reference, reverse("assessment:request", args=[request.pk]))


def evidence_due_soon(cast: Any, framework: Any) -> Sent:
    return _evidence_reminder(cast, framework, 7)


def evidence_due_final(cast: Any, framework: Any) -> Sent:
    return _evidence_reminder(cast, framework, 1)


def evidence_overdue(cast: Any, framework: Any) -> Sent:
    return _evidence_reminder(cast, framework, -2)


def _award_reminder(cast: Any, framework: Any, today: date, extra: set[str]) -> Sent:
    award = _award(cast, framework)
    assert award_reminders_send(today=today, offsets=[12, 6, 3, 1])
    return Sent(managers(cast) | extra, cast.facility.name, reverse("decisions:award", args=[award.pk]))


def award_expiry(cast: Any, framework: Any) -> Sent:
    return _award_reminder(cast, framework, date(2026, 1, 5), set())


def award_expiry_final(cast: Any, framework: Any) -> Sent:
    return _award_reminder(cast, framework, date(2026, 6, 1), {cast.office.email})


CASES: dict[str, Callable[[Any, Any], Sent]] = {
    "facilities/email/activation": activation,
    "facilities/email/activated": activated,
    "facilities/email/invitation": invitation,
    "facilities/email/join_requested": join_requested,
    "facilities/email/join_decided": join_decided,
    "facilities/email/representative_changed": representative_changed,
    "facilities/email/confirmed": confirmed,
    "facilities/email/rejected": rejected,
    "facilities/email/registration_to_confirm": registration_to_confirm,
    "facilities/email/enrolled": enrolled,
    "facilities/email/lapsed": lapsed,
    "facilities/email/restored": restored,
    "billing/email/invoice_issued": invoice_issued,
    "billing/email/payment_received": payment_received,
    "billing/email/lapse_warning": lapse_warning,
    "billing/email/credit_note_issued": credit_note_issued,
    "billing/email/consultation_scheduled": consultation_scheduled,
    "applications/email/submitted": submitted,
    "applications/email/returned": returned,
    "assessment/email/assigned": assigned,
    "assessment/email/review_reopened": review_reopened,
    "assessment/email/evidence_requested": evidence_requested,
    "assessment/email/evidence_answered": evidence_answered,
    "decisions/email/decision_taken": decision_taken,
    "decisions/email/appeal_lodged": appeal_lodged,
    "decisions/email/appeal_panel": appeal_panel,
    "decisions/email/appeal_decided": appeal_decided,
    "decisions/email/award_granted": award_granted,
    "decisions/email/award_status": award_status,
    "notifications/email/evidence_due_soon": evidence_due_soon,
    "notifications/email/evidence_due_final": evidence_due_final,
    "notifications/email/evidence_overdue": evidence_overdue,
    "notifications/email/award_expiry": award_expiry,
    "notifications/email/award_expiry_final": award_expiry_final,
}


def test_every_registered_kind_has_a_case() -> None:
    assert set(CASES) == set(KINDS)


@pytest.mark.parametrize("prefix", list(CASES))
def test_each_mail_reaches_its_people_with_its_subject_and_link(
    prefix: str, cast: Any, framework: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # A name that HTML would escape: plain text must show it as typed.
    cast.facility.name = "St Mary's & Hôpital Central"
    cast.facility.save(update_fields=["name"])
    with django_capture_on_commit_callbacks(execute=True):
        expected = CASES[prefix](cast, framework)
    # The one message of this kind (a service may send others, e.g. a receipt and an enrolment).
    subject_of_kind = _subject_for(prefix, expected)
    messages = [m for m in mail.outbox if m.subject == subject_of_kind]
    assert len(messages) == 1, [m.subject for m in mail.outbox]
    message = messages[0]
    assert set(message.to) == expected.to
    assert message.subject.startswith(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX)
    assert expected.subject in message.subject
    link = settings.SITE_URL + expected.path
    html = message.alternatives[0][0]
    if expected.in_mail:
        assert link in message.body
        assert (f'href="{link}"' if expected.html_anchor else link) in html
    else:
        assert settings.SITE_URL not in message.body and settings.SITE_URL not in html
    # Plain text stays plain; the HTML is escaped.
    assert "&#x27;" not in message.body and "&amp;" not in message.body and "&#x27;" not in message.subject
    assert "St Mary's & Hôpital Central" in message.body

    rows = Notification.objects.filter(kind=prefix)
    if KINDS[prefix].inbox:
        people = {row.user.email for row in rows}
        assert people == {address for address in expected.to if _has_account(address)}
        assert all(row.link == expected.path for row in rows)
        assert all(row.subject == message.subject.removeprefix(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX) for row in rows)
    else:
        assert not rows.exists()


def _subject_for(prefix: str, expected: Sent) -> str:
    notification = Notification.objects.filter(kind=prefix).first()
    if notification is not None:
        return settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + notification.subject
    # Kinds without an inbox row: the only mail sent to these people.
    (message,) = [m for m in mail.outbox if set(m.to) == expected.to]
    return str(message.subject)


def _has_account(address: str) -> bool:
    from iasios.accounts.models import User

    return User.objects.filter(email=address).exists()
