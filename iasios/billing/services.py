"""Writes of billing: confirming an enrolment, issuing invoices and credit notes, recording
payments, consultations, the sweep.

Fees, due days and the lapse grace period come from the current programme settings (the
framework file), never from code. Every state change goes through a lifecycle
(`billing.lifecycles`, and the facility's through `facilities.services`) or writes an event with
`record_event`; e-mails leave after the commit. Refusals are core.refusals errors: NotPermitted
for the person, Invalid for the data (and, as the API has always answered 422, for an invoice
that is not open), Conflict from the lifecycles.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from iasios.accounts.roles import FACILITY_MANAGER_ROLES
from iasios.billing.iban import compact
from iasios.billing.issuer import current_issuer, payment_instructions
from iasios.billing.lifecycles import CONSULTATION_LIFECYCLE, INVOICE_LIFECYCLE, may_record_payment
from iasios.billing.models import (
    ZERO,
    Consultation,
    ConsultationStatus,
    CreditNote,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Issuer,
    NumberSeries,
    PayerKind,
    Payment,
)
from iasios.billing.tasks import invoice_render
from iasios.core.documents import prepare_after_commit
from iasios.core.events import record_event
from iasios.core.formats.words import in_sentence
from iasios.core.models import Event
from iasios.core.numbering import next_number
from iasios.core.refusals import Invalid, NotPermitted
from iasios.facilities import services as facility_services
from iasios.facilities.access import is_office
from iasios.facilities.language import in_facility_language
from iasios.facilities.models import Facility, FacilityStatus
from iasios.notifications.mail import send_templated_mail
from iasios.standards.programme import ProgrammeSettings
from iasios.standards.selectors import current_programme_settings

CENT = Decimal("0.01")


# ── numbers ──────────────────────────────────────────────────────────────────────────────────


def format_invoice_number(year: int, n: int) -> str:
    return f"{year}-{n:05d}"


def format_credit_note_number(year: int, n: int) -> str:
    return f"CN-{year}-{n:05d}"


# ── helpers ──────────────────────────────────────────────────────────────────────────────────


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February falls back to 28 February."""
    target = day.year + years
    return day.replace(year=target, day=min(day.day, calendar.monthrange(target, day.month)[1]))


def membership_period(start: date) -> tuple[date, date]:
    return start, add_years(start, 1) - timedelta(days=1)


def _facility_address(facility: Facility) -> str:
    place = " ".join(part for part in [facility.city, facility.get_country_display()] if part)
    return "\n".join(part for part in [getattr(facility, "address", ""), place] if part)


def billing_recipients(facility: Facility) -> list[str]:
    """The facility's authorised representative and contact person."""
    return list(
        facility.memberships.filter(role__in=list(FACILITY_MANAGER_ROLES), user__is_active=True).values_list(
            "user__email", flat=True
        )
    )


def _money(value: Any, field_name: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value))
    except ArithmeticError as exc:
        raise Invalid(_("Enter an amount such as 1250.00."), field=field_name) from exc
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise Invalid(_("Enter an amount with at most two decimals."), field=field_name)
    return amount


# ── issuing ──────────────────────────────────────────────────────────────────────────────────


def _issue(
    *,
    facility: Facility,
    kind: str,
    lines: list[tuple[str, Decimal]],
    programme: ProgrammeSettings,
    actor: Any = None,
    sponsor: str = "",
    sponsor_address: str = "",
    issued_on: date | None = None,
    period_start: date | None = None,
) -> Invoice:
    issued_on = issued_on or timezone.localdate()
    sponsor = sponsor.strip()
    period_end = membership_period(period_start)[1] if period_start else None
    with transaction.atomic():
        number = next_number(NumberSeries.INVOICE, issued_on.year)
        invoice = Invoice.objects.create(
            facility=facility,
            kind=kind,
            number=format_invoice_number(issued_on.year, number),
            issued_on=issued_on,
            due_on=issued_on + timedelta(days=programme.invoice_due_days),
            currency=programme.fees.currency,
            total=sum((amount for _desc, amount in lines), ZERO),
            payer_kind=PayerKind.SPONSOR if sponsor else PayerKind.FACILITY,
            payer_name=sponsor or facility.name,
            payer_address=sponsor_address.strip() if sponsor else _facility_address(facility),
            period_start=period_start,
            period_end=period_end,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
            issuer=current_issuer().as_dict(),
        )
        InvoiceLine.objects.bulk_create(
            [
                InvoiceLine(invoice=invoice, position=i, description=desc, amount=amount)
                for i, (desc, amount) in enumerate(lines, start=1)
            ]
        )
        record_event(
            obj=invoice,
            action="invoice_issued",
            actor=actor,
            to_state=InvoiceStatus.ISSUED,
            data={"number": invoice.number, "kind": kind, "total": str(invoice.total), "currency": invoice.currency},
        )
        record_event(
            obj=facility,
            action="invoice_issued",
            actor=actor,
            data={"invoice": str(invoice.pk), "number": invoice.number, "kind": kind},
        )
        pay = payment_instructions(invoice)
        send_templated_mail(
            "billing/email/invoice_issued",
            billing_recipients(facility),
            {
                "invoice": invoice,
                "facility": facility,
                "lines": lines,
                "issuer": pay.issuer,
                "reference": pay.reference,
            },
        )
        prepare_after_commit(invoice_render.enqueue, str(invoice.pk))
    return invoice


ISSUER_FIELDS = ("name", "address", "vat_number", "email", "bank_name", "iban", "bic", "payment_reference_prefix")


@transaction.atomic
def issuer_save(*, actor: Any, **fields: str) -> Issuer:
    """Set the details invoices are issued with (the office). Issued invoices keep theirs."""
    if not is_office(actor):
        raise NotPermitted(_("Only the programme office sets the invoicing details."))
    unknown = set(fields) - set(ISSUER_FIELDS)
    if unknown:
        raise ValueError(f"unknown issuer fields: {sorted(unknown)}")
    issuer = Issuer.objects.select_for_update().first() or Issuer()
    before = {name: getattr(issuer, name) for name in fields}
    for name, value in fields.items():
        setattr(issuer, name, (value or "").strip())
    issuer.iban, issuer.bic = compact(issuer.iban), compact(issuer.bic)
    changed = sorted(name for name in fields if getattr(issuer, name) != before[name])
    if not changed and not issuer._state.adding:
        return issuer  # nothing to record: no history row, no event
    issuer.full_clean()
    issuer.save()
    record_event(obj=issuer, action="issuer_changed", actor=actor, data={"fields": changed})
    return issuer


@transaction.atomic
def enrolment_confirm(*, facility: Facility, actor: Any, sponsor: str = "") -> Facility:
    """The office confirms a registration: the facility awaits payment and its enrolment invoice is
    issued, in one transaction (no facility awaits payment without its invoice)."""
    sponsor = sponsor.strip()
    confirmed = facility_services.facility_confirm(facility=facility, actor=actor, sponsor=sponsor)
    invoice_issue_enrolment(facility=confirmed, actor=actor, sponsor=sponsor)
    return confirmed


def lapse_reason(number: str, days: int, due: date) -> str:
    """Why a facility lapsed for an unpaid annual invoice, in the active language."""
    return _("Annual fee invoice %(number)s unpaid %(days)s days after its due date %(due)s.") % {
        "number": number,
        "days": days,
        "due": date_format(due, "DATE_FORMAT"),
    }


def invoice_issue_enrolment(
    *, facility: Facility, actor: Any = None, sponsor: str = "", sponsor_address: str = ""
) -> Invoice:
    """The enrolment fee plus the first annual fee, in the fee schedule's currency.

    The first membership year starts when this invoice is paid (the facility's `enrolled_on`),
    so the invoice carries no period; later annual invoices do.
    """
    programme = current_programme_settings()
    fees = programme.fees
    with in_facility_language(facility):  # the lines are kept as written: in the reader's language
        lines = [
            (_("Enrolment fee"), fees.enrolment_fee),
            (_("Annual administration fee, first membership year"), fees.annual_fee),
        ]
    return _issue(
        facility=facility,
        kind=InvoiceKind.ENROLMENT,
        lines=lines,
        programme=programme,
        actor=actor,
        sponsor=sponsor,
        sponsor_address=sponsor_address,
    )


def invoice_issue_annual(
    *,
    facility: Facility,
    period_start: date,
    actor: Any = None,
    sponsor: str = "",
    sponsor_address: str = "",
    issued_on: date | None = None,
) -> Invoice:
    """The annual administration fee for the membership year starting `period_start`.

    Refused (IntegrityError → Invalid) when a live invoice already bills that period.
    """
    programme = current_programme_settings()
    start, end = membership_period(period_start)
    with in_facility_language(facility):
        description = _("Annual administration fee, membership year %(start)s – %(end)s") % {
            "start": start.isoformat(),
            "end": end.isoformat(),
        }
    try:
        with transaction.atomic():
            return _issue(
                facility=facility,
                kind=InvoiceKind.ANNUAL,
                lines=[(description, programme.fees.annual_fee)],
                programme=programme,
                actor=actor,
                sponsor=sponsor,
                sponsor_address=sponsor_address,
                issued_on=issued_on,
                period_start=start,
            )
    except IntegrityError as exc:
        raise Invalid(_("This membership year is already invoiced."), field="period_start") from exc


def invoice_issue_consultation(
    *, consultation: Consultation, actor: Any = None, sponsor: str = "", sponsor_address: str = ""
) -> Invoice:
    """Invoice a scheduled consultation at the consultation fee and mark it invoiced."""
    programme = current_programme_settings()
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.status != ConsultationStatus.SCHEDULED:
            raise Invalid(_("Only a scheduled consultation can be invoiced."), field="consultation")
        when = timezone.localtime(consultation.scheduled_for).date() if consultation.scheduled_for else None
        with in_facility_language(consultation.facility):
            description = _("Consultation: %(topic)s") % {"topic": consultation.topic}
            if when:
                description = f"{description} ({date_format(when, 'DATE_FORMAT')})"
        invoice = _issue(
            facility=consultation.facility,
            kind=InvoiceKind.CONSULTATION,
            lines=[(description[:300], programme.fees.consultation_fee)],
            programme=programme,
            actor=actor,
            sponsor=sponsor,
            sponsor_address=sponsor_address,
        )
        CONSULTATION_LIFECYCLE.apply(
            consultation,
            "consultation_invoiced",
            actor=actor,
            changes={"invoice": invoice},
            data={"invoice": invoice.number},
        )
    return invoice


# ── payments and credit notes ────────────────────────────────────────────────────────────────


def _lapsing_invoices(facility: Facility, today: date, grace_days: int) -> Any:
    return Invoice.objects.filter(
        facility=facility,
        kind__in=[InvoiceKind.ANNUAL],
        status=InvoiceStatus.ISSUED,
        due_on__lt=today - timedelta(days=grace_days),
    )


def payment_record(*, invoice: Invoice, amount: Any, paid_on: date, reference: str, actor: Any = None) -> Payment:
    """Record a (possibly partial) payment; settles the invoice when the payments cover it.

    Full payment of the enrolment invoice makes the facility an Enrolled Centre; full payment of
    an annual invoice restores a lapsed facility once no other invoice keeps it lapsed. Those who
    may settle an invoice record its payments (`lifecycles.may_record_payment`).
    """
    if not INVOICE_LIFECYCLE["invoice_settled"].who(actor, invoice):
        raise NotPermitted(_("Only the programme office records payments."))
    amount = _money(amount)
    reference = (reference or "").strip()
    if amount <= ZERO:
        raise Invalid(_("The amount must be more than zero."), field="amount")
    if not reference:
        raise Invalid(_("Enter the payment reference (e.g. the bank transfer reference)."), field="reference")
    if paid_on > timezone.localdate():
        raise Invalid(_("The payment date cannot be in the future."), field="paid_on")
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if not may_record_payment(actor, locked):
            raise Invalid(
                _("Invoice %(number)s is %(status)s: no payment can be recorded on it.")
                % {"number": locked.number, "status": in_sentence(locked.get_status_display())},
                field="invoice",
            )
        if paid_on < locked.issued_on:
            raise Invalid(_("The payment date cannot be before the invoice date."), field="paid_on")
        balance = locked.balance
        if amount > balance:
            raise Invalid(
                _("%(amount)s is more than the balance of %(balance)s %(currency)s.")
                % {"amount": amount, "balance": balance, "currency": locked.currency},
                field="amount",
            )
        payment = Payment.objects.create(
            invoice=locked,
            amount=amount,
            paid_on=paid_on,
            reference=reference,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record_event(
            obj=locked,
            action="payment_recorded",
            actor=actor,
            data={
                "payment": str(payment.pk),
                "amount": str(amount),
                "reference": reference,
                "paid_on": paid_on.isoformat(),
            },
        )
        locked.paid_amount = locked.total - balance + amount
        settled = amount == balance
        if settled:
            INVOICE_LIFECYCLE.apply(locked, "invoice_settled", actor=actor, changes={"settled_on": paid_on})
            _after_settlement(locked, actor)
        send_templated_mail(
            "billing/email/payment_received",
            billing_recipients(locked.facility),
            {"invoice": locked, "payment": payment, "facility": locked.facility, "settled": settled},
        )
        # The PDF lists the payments: rendered again in the background (core.documents' source hash).
        prepare_after_commit(invoice_render.enqueue, str(locked.pk))
    invoice.refresh_from_db(fields=["status", "settled_on"])
    invoice.__dict__.pop("paid_amount", None)
    return payment


def _after_settlement(invoice: Invoice, actor: Any) -> None:
    facility = Facility.objects.get(pk=invoice.facility_id)
    if invoice.kind == InvoiceKind.ENROLMENT and facility.status == FacilityStatus.AWAITING_PAYMENT:
        facility_services.facility_mark_enrolled(facility=facility, actor=actor)
    elif invoice.kind == InvoiceKind.ANNUAL and facility.status == FacilityStatus.LAPSED:
        programme = current_programme_settings()
        if not _lapsing_invoices(facility, timezone.localdate(), programme.lapse_grace_days).exists():
            facility_services.facility_restore(facility=facility, actor=actor)


def credit_note_issue(*, invoice: Invoice, reason: str, actor: Any = None, issued_on: date | None = None) -> CreditNote:
    """Cancel an unpaid invoice with a credit note for its full total.

    An invoice with any payment recorded is refused: crediting it would need a refund, which
    is handled outside the platform (docs/billing.md).
    """
    if not INVOICE_LIFECYCLE["invoice_cancelled"].who(actor, invoice):
        raise NotPermitted(_("Only the programme office issues credit notes."))
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Give the reason for the credit note."), field="reason")
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if locked.status == InvoiceStatus.PAID or locked.payments.exists():
            raise Invalid(
                _("Invoice %(number)s has payments recorded: it cannot be credited without a refund.")
                % {"number": locked.number},
                field="invoice",
            )
        if locked.status != InvoiceStatus.ISSUED:
            raise Invalid(_("Invoice %(number)s is already cancelled.") % {"number": locked.number}, field="invoice")
        number = next_number(NumberSeries.CREDIT_NOTE, issued_on.year)
        note = CreditNote.objects.create(
            invoice=locked,
            number=format_credit_note_number(issued_on.year, number),
            issued_on=issued_on,
            currency=locked.currency,
            amount=locked.total,
            reason=reason,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        INVOICE_LIFECYCLE.apply(
            locked,
            "invoice_cancelled",
            actor=actor,
            reason=reason,
            changes={"settled_on": issued_on},
            data={"credit_note": note.number},
        )
        path = reverse("billing:invoice_detail", args=[locked.pk])
        send_templated_mail(
            "billing/email/credit_note_issued",
            billing_recipients(locked.facility),
            {
                "invoice": locked,
                "credit_note": note,
                "facility": locked.facility,
                "url": settings.SITE_URL + path,
                "pdf_url": settings.SITE_URL + reverse("billing:credit_note_pdf", args=[note.pk]),
            },
            link=path,
        )
        prepare_after_commit(invoice_render.enqueue, str(locked.pk))
    invoice.refresh_from_db(fields=["status", "settled_on"])
    return note


# ── consultations ────────────────────────────────────────────────────────────────────────────


def consultation_request(
    *, facility: Facility, actor: Any, topic: str, details: str = "", preferred_dates: str = ""
) -> Consultation:
    topic = (topic or "").strip()
    if not topic:
        raise Invalid(_("Say what the consultation is about."), field="topic")
    with transaction.atomic():
        consultation = Consultation.objects.create(
            facility=facility,
            requested_by=actor,
            topic=topic,
            details=(details or "").strip(),
            preferred_dates=(preferred_dates or "").strip(),
        )
        record_event(
            obj=consultation, action="consultation_requested", actor=actor, to_state=ConsultationStatus.REQUESTED
        )
    return consultation


def consultation_schedule(*, consultation: Consultation, scheduled_for: datetime, actor: Any = None) -> Consultation:
    """The office sets the date; the facility's representative and contact person are told (the
    invoice, issued when the office invoices the consultation, has its own message)."""
    with transaction.atomic():
        locked = CONSULTATION_LIFECYCLE.apply(
            consultation,
            "consultation_scheduled",
            actor=actor,
            changes={"scheduled_for": scheduled_for},
            data={"scheduled_for": scheduled_for.isoformat()},
        )
        path = reverse("billing:consultations", args=[locked.facility_id])
        send_templated_mail(
            "billing/email/consultation_scheduled",
            billing_recipients(locked.facility),
            {"consultation": locked, "facility": locked.facility, "url": settings.SITE_URL + path},
            link=path,
        )
    return locked


def consultation_cancel(*, consultation: Consultation, reason: str, actor: Any = None) -> Consultation:
    return CONSULTATION_LIFECYCLE.apply(consultation, "consultation_cancelled", actor=actor, reason=reason)


# ── the sweep ────────────────────────────────────────────────────────────────────────────────


@dataclass
class SweepResult:
    issued: list[Invoice] = field(default_factory=list)
    warned: list[Invoice] = field(default_factory=list)
    lapsed: list[Facility] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"issued {i.number} ({i.facility.name}, {i.period_start} – {i.period_end})" for i in self.issued]
        out += [f"warned {i.facility.name} about {i.number} (due {i.due_on})" for i in self.warned]
        out += [f"lapsed {f.name}" for f in self.lapsed]
        return out


def current_period_start(enrolled_on: date, today: date) -> date | None:
    """The latest anniversary of `enrolled_on` on or before `today` (None in the first year)."""
    years = today.year - enrolled_on.year
    if add_years(enrolled_on, years) > today:
        years -= 1
    return add_years(enrolled_on, years) if years >= 1 else None


def billing_sweep(*, today: date | None = None) -> SweepResult:
    """Issue annual invoices due today, warn about overdue ones, lapse unpaid memberships.

    Idempotent: each membership year is invoiced once (the sweep looks for any invoice of the
    period, and a unique constraint stops two sweeps running at once); each overdue invoice is
    warned about once (an event marks it); lapse happens once (the facility's state).
    A lapsed facility gets no new annual invoice until it is restored; the invoice of the
    then-current membership year follows on the next sweep.
    """
    today = today or timezone.localdate()
    programme = current_programme_settings()
    result = SweepResult()

    enrolled = Facility.objects.filter(
        status=FacilityStatus.ENROLLED, enrolled_on__isnull=False, enrolled_on__lte=today
    )
    billed = set(
        Invoice.objects.filter(kind=InvoiceKind.ANNUAL, facility__in=enrolled).values_list(
            "facility_id", "period_start"
        )
    )
    for facility in enrolled:
        start = current_period_start(facility.enrolled_on, today)  # type: ignore[arg-type]
        if start is None or (facility.pk, start) in billed:
            continue
        try:
            result.issued.append(invoice_issue_annual(facility=facility, period_start=start, issued_on=today))
        except Invalid:
            continue  # another sweep billed it a moment ago

    overdue = (
        Invoice.objects.filter(kind=InvoiceKind.ANNUAL, status=InvoiceStatus.ISSUED, due_on__lt=today)
        .filter(facility__status=FacilityStatus.ENROLLED)
        .select_related("facility")
    )
    grace_end = today - timedelta(days=programme.lapse_grace_days)
    lapsing_facilities: dict[Any, Invoice] = {}
    for invoice in overdue:
        if invoice.due_on < grace_end:
            lapsing_facilities.setdefault(invoice.facility_id, invoice)
        elif _warn_once(invoice, programme, today):
            result.warned.append(invoice)

    for invoice in lapsing_facilities.values():
        with transaction.atomic():
            facility = Facility.objects.select_for_update().get(pk=invoice.facility_id)
            if facility.status != FacilityStatus.ENROLLED:
                continue
            facility_services.facility_lapse(
                facility=facility,
                actor=None,
                reason=lapse_reason(invoice.number, programme.lapse_grace_days, invoice.due_on),
                # The reason worded again when read, in the reader's language (billing.apps).
                data={
                    "unpaid": {
                        "number": invoice.number,
                        "days": programme.lapse_grace_days,
                        "due": invoice.due_on.isoformat(),
                    }
                },
            )
            result.lapsed.append(facility)
    return result


def _warn_once(invoice: Invoice, programme: ProgrammeSettings, today: date) -> bool:
    with transaction.atomic():
        locked = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if Event.objects.for_object(locked).filter(action="lapse_warning_sent").exists():
            return False
        lapse_on = locked.due_on + timedelta(days=programme.lapse_grace_days + 1)
        record_event(obj=locked, action="lapse_warning_sent", data={"lapse_on": lapse_on.isoformat()})
        send_templated_mail(
            "billing/email/lapse_warning",
            billing_recipients(invoice.facility),
            {"invoice": invoice, "facility": invoice.facility, "lapse_on": lapse_on, "today": today},
        )
    return True
