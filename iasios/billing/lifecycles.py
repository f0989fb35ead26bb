"""The invoice and consultation lifecycles, as tables of transitions.

Invoice: issued → paid (the payments cover the total; taken by the payment service) or
issued → cancelled (by a credit note). “Partially paid” is not a state: it is derived from the
payments of an issued invoice.

Consultation: requested → scheduled → invoiced, or cancelled before it is invoiced.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from iasios.accounts.roles import FACILITY_MANAGER_ROLES
from iasios.billing.models import Consultation, Invoice
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
            "invoice_settled", {"issued"}, "paid", who=_office_or_system, guard=_covered, label=str(_("Settle"))
        ),
        Transition(
            "invoice_cancelled",
            {"issued"},
            "cancelled",
            who=_office_or_system,
            guard=_nothing_paid,
            needs_reason=True,
            label=str(_("Cancel by credit note")),
        ),
    ],
)


CONSULTATION_LIFECYCLE: StateMachine[Consultation] = StateMachine(
    model=Consultation,
    transitions=[
        Transition(
            "consultation_scheduled",
            {"requested", "scheduled"},
            "scheduled",
            who=_office_or_system,
            label=str(_("Schedule")),
        ),
        Transition("consultation_invoiced", {"scheduled"}, "invoiced", who=_office_or_system, label=str(_("Invoice"))),
        Transition(
            "consultation_cancelled",
            {"requested", "scheduled"},
            "cancelled",
            who=_office_or_facility_manager,
            needs_reason=True,
            label=str(_("Cancel")),
        ),
    ],
)
