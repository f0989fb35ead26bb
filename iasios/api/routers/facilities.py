"""Facilities through the API: visible facilities, team, join requests, facility code, office decisions.

Same services and access rules as the pages (iasios.facilities.services / .access; confirming a
registration is billing's `enrolment_confirm`, which issues the enrolment invoice). A facility
the token's owner may not see answers 404; the services' refusals are mapped by the API's one
handler (403 who may not, 409 the state, 422 the data).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from iasios.api.api import ErrorOut
from iasios.billing.services import enrolment_confirm
from iasios.core.refusals import Invalid, NotPermitted
from iasios.facilities import access, selectors, services
from iasios.facilities.lifecycle import may
from iasios.facilities.models import Facility, FacilityStatus, JoinRequest, JoinRequestStatus

router = Router(tags=["facilities"])

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class VolumeOut(Schema):
    category: str = Field(description="Procedure category code of the programme settings.")
    label: str
    yearly_volume: int


class FacilityOut(Schema):
    id: UUID
    name: str
    institution: str = Field(description="Empty when independent.")
    city: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    status: str = Field(description=", ".join(FacilityStatus.values) + ".")
    listed_publicly: bool
    enrolled_on: date | None = Field(None, description="Membership anniversary; set on first enrolment.")
    your_role: str | None = Field(None, description="The token owner's facility role, if a member.")


class FacilityDetailOut(FacilityOut):
    independent: bool
    address: str
    website: str
    latitude: float | None = None
    longitude: float | None = None
    volumes: list[VolumeOut]
    possible_duplicate_of: UUID | None = Field(None, description="Only shown to the office.")
    code: str | None = Field(None, description="The facility code; only for the representative and contact person.")


class MemberOut(Schema):
    id: UUID = Field(description="Membership id.")
    user_id: UUID
    name: str
    email: str
    role: str


class JoinRequestIn(Schema):
    code: str = Field(min_length=1, max_length=40, description="The facility code; dashes and spaces are ignored.")


class JoinRequestOut(Schema):
    id: UUID
    facility_id: UUID
    facility_name: str
    user_id: UUID
    user_name: str
    status: str = Field(description=", ".join(JoinRequestStatus.values) + ".")
    role: str = Field(description="The role given on approval; empty otherwise.")
    reason: str
    created_at: datetime


class ApproveIn(Schema):
    role: str = Field(description="contributor, read_only or contact_person.")


class DeclineIn(Schema):
    reason: str = Field("", max_length=500)


class CodeOut(Schema):
    code: str = Field(description="The new facility code; the previous one no longer works.")


class RegistrationConfirmIn(Schema):
    sponsor: str = Field("", max_length=200, description="A sponsor paying the enrolment invoice, if any.")


class RejectIn(Schema):
    reason: str = Field("", max_length=2000, description="Required; e-mailed to the registrant.")


def _facility_out(user: Any, facility: Facility) -> dict[str, Any]:
    return {
        "id": facility.pk,
        "name": facility.name,
        "institution": facility.institution,
        "city": facility.city,
        "country": facility.country,
        "status": facility.status,
        "listed_publicly": facility.listed_publicly,
        "enrolled_on": facility.enrolled_on,
        "your_role": access.facility_role(user, facility),
    }


def _join_request_out(jr: JoinRequest) -> dict[str, Any]:
    return {
        "id": jr.pk,
        "facility_id": jr.facility_id,
        "facility_name": jr.facility.name,
        "user_id": jr.user_id,
        "user_name": str(jr.user),
        "status": jr.status,
        "role": jr.role,
        "reason": jr.reason,
        "created_at": jr.created_at,
    }


def _visible(request: HttpRequest, pk: UUID) -> Facility:
    return access.get_visible_facility_or_404(request.user, pk)


@router.get(
    "/",
    response={200: list[FacilityOut], **ERRORS},
    summary="Facilities you can see",
    description="Ordered by name, `limit` at a time from `offset`; the X-Total-Count header gives the total.",
)
def facility_list(
    request: HttpRequest,
    response: HttpResponse,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0),
) -> list[dict[str, Any]]:
    user = request.user
    visible = selectors.facilities_for_user(user).order_by("name")
    response["X-Total-Count"] = str(visible.count())
    facilities = list(visible[offset : offset + limit])
    roles = dict(user.memberships.values_list("facility_id", "role"))  # type: ignore[union-attr]
    user.__dict__.setdefault("_facility_roles", {}).update({f.pk: roles.get(f.pk) for f in facilities})
    return [_facility_out(user, f) for f in facilities]


@router.get("/{uuid:pk}", response={200: FacilityDetailOut, **ERRORS}, summary="One facility")
def facility_detail(request: HttpRequest, pk: UUID) -> dict[str, Any]:
    facility = _visible(request, pk)
    user = request.user
    return {
        **_facility_out(user, facility),
        "independent": facility.independent,
        "address": facility.address,
        "website": facility.website,
        "latitude": float(facility.latitude) if facility.latitude is not None else None,
        "longitude": float(facility.longitude) if facility.longitude is not None else None,
        "volumes": [
            {"category": v.category, "label": v.label, "yearly_volume": v.yearly_volume} for v in facility.volumes.all()
        ],
        "possible_duplicate_of": facility.possible_duplicate_of_id if access.is_office(user) else None,
        "code": facility.code if access.can_see_code(user, facility) else None,
    }


@router.get("/{uuid:pk}/members", response={200: list[MemberOut], **ERRORS}, summary="The team")
def member_list(request: HttpRequest, pk: UUID) -> list[dict[str, Any]]:
    facility = _visible(request, pk)
    return [
        {"id": m.pk, "user_id": m.user_id, "name": str(m.user), "email": m.user.email, "role": m.role}
        for m in selectors.team(facility)
    ]


@router.post("/{uuid:pk}/code", response={200: CodeOut, **ERRORS}, summary="Replace the facility code")
def code_regenerate(request: HttpRequest, pk: UUID) -> dict[str, str]:
    facility = _visible(request, pk)
    return {"code": services.facility_code_regenerate(facility=facility, actor=request.user)}


@router.post("/join-requests", response={201: JoinRequestOut, **ERRORS}, summary="Ask to join with a facility code")
def join_request_create(request: HttpRequest, payload: JoinRequestIn) -> Status:
    jr = services.join_request_create(user=request.user, code=payload.code)
    return Status(201, _join_request_out(jr))


@router.get("/{uuid:pk}/join-requests", response={200: list[JoinRequestOut], **ERRORS}, summary="Open requests to join")
def join_request_list(request: HttpRequest, pk: UUID) -> list[dict[str, Any]]:
    facility = _visible(request, pk)
    if not access.can_manage_team(request.user, facility):
        raise PermissionDenied(_("Only the authorised representative or the contact person see join requests."))
    return [_join_request_out(jr) for jr in selectors.pending_join_requests(facility).select_related("facility")]


def _join_request(request: HttpRequest, pk: UUID, request_pk: UUID) -> JoinRequest:
    facility = _visible(request, pk)
    return get_object_or_404(JoinRequest.objects.select_related("facility", "user"), pk=request_pk, facility=facility)


@router.post(
    "/{uuid:pk}/join-requests/{uuid:request_pk}/approve",
    response={200: MemberOut, **ERRORS},
    summary="Approve a request, giving a role",
)
def join_request_approve(request: HttpRequest, pk: UUID, request_pk: UUID, payload: ApproveIn) -> dict[str, Any]:
    jr = _join_request(request, pk, request_pk)
    m = services.join_request_approve(join_request=jr, actor=request.user, role=payload.role)
    return {"id": m.pk, "user_id": m.user_id, "name": str(m.user), "email": m.user.email, "role": m.role}


@router.post(
    "/{uuid:pk}/join-requests/{uuid:request_pk}/decline",
    response={200: JoinRequestOut, **ERRORS},
    summary="Decline a request",
)
def join_request_decline(request: HttpRequest, pk: UUID, request_pk: UUID, payload: DeclineIn) -> dict[str, Any]:
    jr = _join_request(request, pk, request_pk)
    declined = services.join_request_decline(join_request=jr, actor=request.user, reason=payload.reason)
    return _join_request_out(declined)


@router.post(
    "/{uuid:pk}/confirm",
    response={200: FacilityOut, **ERRORS},
    summary="Office: confirm a registration",
    description="The facility then awaits payment of its enrolment invoice, issued at once.",
)
def facility_confirm(request: HttpRequest, pk: UUID, payload: RegistrationConfirmIn) -> dict[str, Any]:
    facility = _visible(request, pk)
    updated = enrolment_confirm(facility=facility, actor=request.user, sponsor=payload.sponsor)
    return _facility_out(request.user, updated)


@router.post("/{uuid:pk}/reject", response={200: FacilityOut, **ERRORS}, summary="Office: reject a registration")
def facility_reject(request: HttpRequest, pk: UUID, payload: RejectIn) -> dict[str, Any]:
    facility = _visible(request, pk)
    # Who may comes before what was sent (403 before 422), as the service would say it.
    if not may("reject", request.user, facility):
        raise NotPermitted(_("Only the programme office decides on registrations."))
    if not payload.reason.strip():
        raise Invalid(_("A reason is required."), field="reason")
    updated = services.facility_reject(facility=facility, actor=request.user, reason=payload.reason)
    return _facility_out(request.user, updated)
