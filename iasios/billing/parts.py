"""What billing adds to the facility pages below it: the invoices section of the dashboard, and
the "Pay" panel under the next step while an invoice is open.

Registered in `apps.py` with facilities' `register_dashboard_part`; facilities never imports billing.
"""

from __future__ import annotations

from typing import Any

from iasios.billing import access, selectors
from iasios.billing.issuer import current_issuer, payment_instructions
from iasios.billing.models import InvoiceStatus
from iasios.facilities.models import Facility
from iasios.facilities.parts import DashboardPart

INVOICES_TEMPLATE = "billing/includes/facility_invoices_part.html"
PAY_TEMPLATE = "billing/includes/pay_panel.html"


def invoices_part(viewer: Any, facility: Facility) -> dict[str, Any] | None:
    """The facility's invoices for those who may see them; the open ones are what it has to pay."""
    if not access.can_view_billing(viewer, facility):
        return None
    invoices = list(selectors.invoices_for_facility(facility))
    return {"invoices": invoices, "to_pay": [i.number for i in invoices if i.status == InvoiceStatus.ISSUED]}


INVOICES_PART = DashboardPart(name="invoices", template=INVOICES_TEMPLATE, context=invoices_part)


def pay_part(viewer: Any, facility: Facility) -> dict[str, Any] | None:
    """Each open invoice with its amount, due date, account and reference; none when nothing is open."""
    if not access.can_view_billing(viewer, facility):
        return None
    open_invoices = list(
        selectors.invoices_for_facility(facility).filter(status=InvoiceStatus.ISSUED).order_by("due_on")
    )
    if not open_invoices:
        return None
    current = current_issuer()
    return {"payable": [payment_instructions(invoice, current) for invoice in open_invoices]}


PAY_PART = DashboardPart(name="pay", template=PAY_TEMPLATE, context=pay_part, place="top")
