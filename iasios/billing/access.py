"""Who may see and do what with invoices, credit notes and consultations.

The one place these decisions are made: pages, API endpoints and PDF downloads all ask here.
Money matters belong to the people formally responsible for the facility (the authorised
representative and the contact person) and to the programme office; contributors and read-only
members work on the application and do not see the facility's invoices.

Who may record a payment, credit an invoice or move a consultation is the lifecycles' rule
(`lifecycles.py`): pages draw those buttons from it and the services refuse by it.
"""

from __future__ import annotations

from typing import Any

from iasios.accounts.roles import FACILITY_MANAGER_ROLES
from iasios.billing.models import Invoice, InvoiceQuerySet
from iasios.facilities.access import facility_role, is_office
from iasios.facilities.models import Facility, FacilityStatus


def can_view_billing(user: Any, facility: Facility) -> bool:
    """The facility's invoices, payments and consultations."""
    return is_office(user) or facility_role(user, facility) in FACILITY_MANAGER_ROLES


def can_view_invoice(user: Any, invoice: Invoice) -> bool:
    return can_view_billing(user, invoice.facility)


def can_request_consultation(user: Any, facility: Facility) -> bool:
    return facility.status != FacilityStatus.REJECTED and facility_role(user, facility) in FACILITY_MANAGER_ROLES


def invoices_visible_to(user: Any, qs: InvoiceQuerySet | None = None) -> InvoiceQuerySet:
    """Scope a queryset by the same rule as `can_view_invoice`."""
    qs = qs if qs is not None else Invoice.objects.all()
    if is_office(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(facility__memberships__user=user, facility__memberships__role__in=list(FACILITY_MANAGER_ROLES))
