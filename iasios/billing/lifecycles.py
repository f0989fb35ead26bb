"""The invoice and consultation lifecycles, as tables of transitions.

Invoice: issued → paid (the payments cover the total; taken by the payment service) or
issued → cancelled (by a credit note). “Partially paid” is not a state: it is derived from the
payments of an issued invoice.

Recording a payment is not a state change of its own: it is the step towards settling, so the
people who may settle an invoice record its payments, while it is issued (`may_record_payment`).

Consultation: requested → scheduled → invoiced, or cancelled before it is invoiced.

Pages draw their buttons from these tables (`available()`, `may_record_payment`); the services
check the same rules.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from iasios.accounts.roles import FACILITY_MANAGER_ROLES
from iasios.billing.models import Consultation, ConsultationStatus, Invoice, InvoiceStatus
from iasios.core.statemachine import StateMachine, Transition
from iasios.facilities.access import facility_role, is_office


def _office_or_system(user: Any, obj: Any) -> bool:
    return user is None or is_office(user)


def _office_or_facility_manager(user: Any, obj: Any) -> bool:
    return _office_or_system(user, obj) or facility_role(user, obj.facility) in FACILITY_MANAGER_ROLES


def _covered(invoice: Invoice) -> str | None:
    fresh = Invoice.objects.with_paid().get(pk=invoice.pk)
    if fresh.paid < fresh.total:
        return str(_("The payments do not cover the total yet."))
    return None


def _nothing_paid(invoice: Invoice) -> str | None:
    if invoice.payments.exists():
        return str(_("Payments were recorded on this invoice: it cannot be credited without a refund."))
    return None


INVOICE_LIFECYCLE: StateMachine[Invoice] = StateMachine(
    model=Invoice,
    transitions=[
        Transition(
            "invoice_settled",
            {InvoiceStatus.ISSUED},
            InvoiceStatus.PAID,
            who=_office_or_system,
            guard=_covered,
            label=_("Settle"),
        ),
        Transition(
            "invoice_cancelled",
            {InvoiceStatus.ISSUED},
            InvoiceStatus.CANCELLED,
            who=_office_or_system,
            guard=_nothing_paid,
            needs_reason=True,
            label=_("Cancel by credit note"),
        ),
    ],
)


def may_record_payment(user: Any, invoice: Invoice) -> bool:
    """Who may record a payment on `invoice` now: those who may settle it, while it is issued."""
    settle = INVOICE_LIFECYCLE["invoice_settled"]
    return invoice.status in settle.sources and settle.who(user, invoice)


CONSULTATION_LIFECYCLE: StateMachine[Consultation] = StateMachine(
    model=Consultation,
    transitions=[
        Transition(
            "consultation_scheduled",
            {ConsultationStatus.REQUESTED, ConsultationStatus.SCHEDULED},
            ConsultationStatus.SCHEDULED,
            who=_office_or_system,
            label=_("Schedule"),
        ),
        Transition(
            "consultation_invoiced",
            {ConsultationStatus.SCHEDULED},
            ConsultationStatus.INVOICED,
            who=_office_or_system,
            label=pgettext_lazy("action", "Invoice"),
        ),
        Transition(
            "consultation_cancelled",
            {ConsultationStatus.REQUESTED, ConsultationStatus.SCHEDULED},
            ConsultationStatus.CANCELLED,
            who=_office_or_facility_manager,
            needs_reason=True,
            label=_("Cancel"),
        ),
    ],
)
