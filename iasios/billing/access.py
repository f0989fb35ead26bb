"""Who may see and do what with invoices, credit notes and consultations.

The one place these decisions are made: pages, API endpoints and PDF downloads all ask here.
Money matters belong to the people formally responsible for the facility (the authorised
representative and the contact person) and to the programme office; contributors and read-only
members work on the application and do not see the facility's invoices.
"""

from __future__ import annotations

from typing import Any

from iasios.accounts.roles import FACILITY_MANAGER_ROLES
from iasios.billing.models import Consultation, Invoice, InvoiceQuerySet
from iasios.facilities.access import facility_role, is_office
from iasios.facilities.models import Facility, FacilityStatus


def can_view_billing(user: Any, facility: Facility) -> bool:
    """The facility's invoices, payments and consultations."""
    return is_office(user) or facility_role(user, facility) in FACILITY_MANAGER_ROLES


def can_view_invoice(user: Any, invoice: Invoice) -> bool:
    return can_view_billing(user, invoice.facility)


def can_record_payment(user: Any, invoice: Invoice | None = None) -> bool:
    return is_office(user)


def can_issue_credit_note(user: Any, invoice: Invoice | None = None) -> bool:
    return is_office(user)


def can_manage_consultations(user: Any) -> bool:
    """Schedule, invoice and cancel consultations (the office)."""
    return is_office(user)


def can_request_consultation(user: Any, facility: Facility) -> bool:
    return facility.status != FacilityStatus.REJECTED and facility_role(user, facility) in FACILITY_MANAGER_ROLES


def can_cancel_consultation(user: Any, consultation: Consultation) -> bool:
    return is_office(user) or facility_role(user, consultation.facility) in FACILITY_MANAGER_ROLES


def invoices_visible_to(user: Any, qs: InvoiceQuerySet | None = None) -> InvoiceQuerySet:
    """Scope a queryset by the same rule as `can_view_invoice`."""
    qs = qs if qs is not None else Invoice.objects.all()
    if is_office(user):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(facility__memberships__user=user, facility__memberships__role__in=list(FACILITY_MANAGER_ROLES))
