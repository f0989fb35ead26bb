"""Reads about facilities. Each list is a constant number of queries, whatever its size."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from iasios.accounts.roles import FACILITY_MANAGER_ROLES, FacilityRoleName
from iasios.facilities.models import (
    Facility,
    FacilityQuerySet,
    FacilityStatus,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
)

# Roles in the order a team list shows them.
ROLE_ORDER = [
    FacilityRoleName.AUTHORISED_REPRESENTATIVE,
    FacilityRoleName.CONTACT_PERSON,
    FacilityRoleName.CONTRIBUTOR,
    FacilityRoleName.READ_ONLY,
]


def duplicate_key(*, name: str, institution: str, independent: bool) -> str:
    """What makes two registrations the same service: the parent institution, or the name."""
    return (name if independent or not institution.strip() else institution).strip()


def find_possible_duplicate(
    *, name: str, institution: str, independent: bool, city: str, exclude_pk: Any = None
) -> Facility | None:
    """An earlier, not rejected facility of the same institution (or name) in the same city."""
    key = duplicate_key(name=name, institution=institution, independent=independent)
    if not key or not city.strip():
        return None
    same = Q(institution__iexact=key) | Q(institution="", name__iexact=key)
    qs = Facility.objects.exclude(status=FacilityStatus.REJECTED).filter(same, city__iexact=city.strip())
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.order_by("created_at").first()


def team(facility: Facility) -> list[Membership]:
    """The members, representative first. `also_contact_person` marks a representative who was
    named contact person too (one person may hold both; the membership keeps the higher role)."""
    members = list(Membership.objects.filter(facility=facility).select_related("user"))
    members.sort(key=lambda m: (ROLE_ORDER.index(FacilityRoleName(m.role)), str(m.user).lower()))
    for m in members:
        m.also_contact_person = m.is_authorised_representative and _same_address(m.user.email, facility.contact_email)
    return members


def _same_address(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.strip().lower() == b.strip().lower()


def pending_join_requests(facility: Facility) -> QuerySet[JoinRequest]:
    return JoinRequest.objects.filter(facility=facility, status=JoinRequestStatus.PENDING).select_related(
        "facility", "user"
    )


def pending_invitations(facility: Facility) -> QuerySet[Invitation]:
    return Invitation.objects.filter(facility=facility, accepted_at__isnull=True)


def invitations_for_user(user: Any) -> QuerySet[Invitation]:
    """Open invitations addressed to one of the user's verified e-mail addresses."""
    from allauth.account.models import EmailAddress

    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    addresses = [e.lower() for e in emails]
    if not addresses:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(accepted_at__isnull=True, email__in=addresses)
        .exclude(facility__status__in=[FacilityStatus.PENDING_ACTIVATION, FacilityStatus.REJECTED])
        .select_related("facility")
    )


def manager_emails(facility: Facility) -> list[str]:
    """Addresses of the authorised representative and contact persons (registration data until they join)."""
    emails = list(
        Membership.objects.filter(facility=facility, role__in=list(FACILITY_MANAGER_ROLES)).values_list(
            "user__email", flat=True
        )
    )
    return emails or [e for e in (facility.representative_email, facility.contact_email) if e]


def facilities_for_user(user: Any) -> FacilityQuerySet:
    return Facility.objects.visible_to(user)


@dataclass(frozen=True)
class OfficeFilters:
    status: str = ""
    country: str = ""
    q: str = ""


def facilities_for_office(filters: OfficeFilters, among: QuerySet[Any, Any] | None = None) -> QuerySet[Facility]:
    """The office's facility list: filters, search, member and pending-request counts in one query.

    `among`: a subquery of facility ids to keep (e.g. billing's facilities with an overdue invoice).
    """
    qs = Facility.objects.all() if among is None else Facility.objects.filter(pk__in=among)
    if filters.status in FacilityStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.country:
        qs = qs.filter(country=filters.country.upper())
    if filters.q.strip():
        term = filters.q.strip()
        qs = qs.filter(Q(name__icontains=term) | Q(institution__icontains=term) | Q(city__icontains=term))
    return (
        qs.select_related("possible_duplicate_of")
        .annotate(
            member_count=Count("memberships", distinct=True),
            pending_requests=Count(
                "join_requests", filter=Q(join_requests__status=JoinRequestStatus.PENDING), distinct=True
            ),
        )
        .order_by("-created_at")
    )


def registrations_to_confirm() -> QuerySet[Facility]:
    """Activated registrations waiting for the office's confirmation, oldest first (one query).

    For the office's work queue: `.count()` for the number, the first rows for the list.
    """
    return Facility.objects.filter(status=FacilityStatus.REGISTERED).order_by("activated_at", "created_at")


def facility_detail(pk: Any) -> Facility:
    return (
        Facility.objects.select_related("registered_by", "possible_duplicate_of")
        .prefetch_related(Prefetch("volumes"))
        .get(pk=pk)
    )


def countries_in_use() -> list[str]:
    return list(Facility.objects.order_by("country").values_list("country", flat=True).distinct())
