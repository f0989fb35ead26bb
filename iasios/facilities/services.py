"""Writes about facilities: registration, activation, facility code, team, lifecycle.

Pages, the API and billing call these; none of the rules below live anywhere else. A service
that will not do what it was asked raises a refusal (core.refusals): NotPermitted for the
person, Invalid for the data, Conflict (the lifecycles' TransitionNotAllowed) for the state.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from iasios.accounts.language import supported_language
from iasios.accounts.models import User
from iasios.accounts.roles import FacilityRoleName
from iasios.core.events import record_event
from iasios.core.refusals import Invalid, NotPermitted
from iasios.facilities import notifications
from iasios.facilities.access import (
    can_handover,
    can_manage_team,
    can_regenerate_code,
    can_register_facility,
    forget_facility_role,
    is_programme_staff,
)
from iasios.facilities.lifecycle import FACILITY_LIFECYCLE, JOIN_REQUEST_LIFECYCLE, may
from iasios.facilities.models import (
    JOINABLE_STATES,
    Facility,
    FacilityStatus,
    FacilityVolume,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    new_facility_code,
    normalise_facility_code,
)
from iasios.facilities.selectors import find_possible_duplicate
from iasios.standards.programme import ProgrammeSettings
from iasios.standards.selectors import current_programme_settings

ACTIVATION_SALT = "iasios.facilities.activation"
# How long an activation link works; a new one can be sent from the link's page.
ACTIVATION_MAX_AGE_DAYS = getattr(settings, "FACILITY_ACTIVATION_DAYS", 7)

# Roles a manager may give when approving a join request.
JOIN_ROLES = (FacilityRoleName.CONTRIBUTOR, FacilityRoleName.READ_ONLY, FacilityRoleName.CONTACT_PERSON)


# --- registration ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    phone: str


@dataclass(frozen=True)
class NewAccount:
    """A logged-out registrant's account details."""

    name: str
    email: str
    password: str


@dataclass(frozen=True)
class RegistrationInput:
    name: str
    institution: str
    independent: bool
    address: str
    city: str
    country: str
    website: str
    volumes: dict[str, int]
    approver_name: str
    approver_role: str
    approval_attested: bool
    representative: Person
    contact: Person
    listed_publicly: bool
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass
class Registration:
    facility: Facility
    registrant: User
    possible_duplicate: Facility | None = None
    warnings: list[str] = field(default_factory=list)


def volume_total(volumes: dict[str, int], programme: ProgrammeSettings) -> int:
    """Total over the programme's categories; refuses unknown categories and negative numbers."""
    known = {code for code, _label in programme.procedure_categories}
    unknown = sorted(set(volumes) - known)
    if unknown:
        raise Invalid(_("Unknown procedure categories: %(codes)s.") % {"codes": ", ".join(unknown)}, field="volumes")
    if any(int(v) < 0 for v in volumes.values()):
        raise Invalid(_("Volumes cannot be negative."), field="volumes")
    return sum(int(volumes.get(code, 0) or 0) for code in known)


def check_eligibility(volumes: dict[str, int], programme: ProgrammeSettings) -> int:
    total = volume_total(volumes, programme)
    if total < programme.volume_threshold:
        raise Invalid(
            _(
                "The programme is open to services performing at least %(threshold)s therapeutic IO "
                "procedures a year; the volumes entered add up to %(total)s."
            )
            % {"threshold": programme.volume_threshold, "total": total},
            field="volumes",
        )
    return total


def _same_email(a: str, b: str) -> bool:
    return bool(a) and bool(b) and a.strip().lower() == b.strip().lower()


@transaction.atomic
def facility_register(
    *, data: RegistrationInput, user: User | None = None, account: NewAccount | None = None
) -> Registration:
    """Record a registration and send the activation link to the account holder.

    A logged-in registrant passes `user`; a logged-out one passes `account`, and an account is
    created with an unverified address (the activation link verifies it).
    """
    if (user is None) == (account is None):
        raise ValueError("pass exactly one of user and account")
    if user is not None and not can_register_facility(user):
        raise NotPermitted(_("Programme staff cannot register a facility."))
    programme = current_programme_settings()
    total = check_eligibility(data.volumes, programme)
    if not data.approval_attested:
        raise Invalid(
            _("Confirm that the head of department or hospital director approved the application."),
            field="approval_attested",
        )
    if not data.independent and not data.institution.strip():
        raise Invalid(_("Name the parent institution, or tick “independent facility”."), field="institution")

    if account is not None:
        email = account.email.strip().lower()
        if (
            User.objects.filter(email__iexact=email).exists()
            or EmailAddress.objects.filter(email__iexact=email).exists()
        ):
            raise Invalid(
                _("An account with this e-mail address exists. Log in first, then register the facility."),
                field="email",
            )
        candidate = User(email=email, name=account.name.strip())
        try:
            validate_password(account.password, candidate)
        except ValidationError as exc:
            raise Invalid(" ".join(exc.messages), field="password1") from exc
        # The account starts in the language the registrant was reading the form in.
        user = User.objects.create_user(
            email=email,
            password=account.password,
            name=account.name.strip(),
            language=supported_language(translation.get_language()) or settings.LANGUAGE_CODE,
        )
        EmailAddress.objects.create(user=user, email=email, verified=False, primary=True)
    assert user is not None

    duplicate = find_possible_duplicate(
        name=data.name, institution=data.institution, independent=data.independent, city=data.city
    )
    facility = Facility.objects.create(
        name=data.name.strip(),
        institution="" if data.independent else data.institution.strip(),
        independent=data.independent,
        address=data.address.strip(),
        city=data.city.strip(),
        country=data.country.upper(),
        website=data.website.strip(),
        latitude=data.latitude,
        longitude=data.longitude,
        # The initial state; every later change goes through FACILITY_LIFECYCLE.
        status=FacilityStatus.PENDING_ACTIVATION,
        listed_publicly=data.listed_publicly,
        approver_name=data.approver_name.strip(),
        approver_role=data.approver_role.strip(),
        approval_attested=True,
        representative_name=data.representative.name.strip(),
        representative_email=data.representative.email.strip().lower(),
        representative_phone=data.representative.phone.strip(),
        contact_name=data.contact.name.strip(),
        contact_email=data.contact.email.strip().lower(),
        contact_phone=data.contact.phone.strip(),
        registered_by=user,
        possible_duplicate_of=duplicate,
        language=supported_language(user.language) or settings.LANGUAGE_CODE,
    )
    labels = dict(programme.procedure_categories)
    FacilityVolume.objects.bulk_create(
        FacilityVolume(
            facility=facility, category=code, label=str(labels[code]), yearly_volume=int(data.volumes.get(code) or 0)
        )
        for code, _label in programme.procedure_categories
    )
    record_event(
        obj=facility,
        action="registered",
        actor=user,
        to_state=FacilityStatus.PENDING_ACTIVATION,
        data={"yearly_volume": total, "threshold": programme.volume_threshold},
    )
    registration = Registration(facility=facility, registrant=user, possible_duplicate=duplicate)
    if duplicate is not None:
        record_event(
            obj=facility,
            action="possible_duplicate_flagged",
            actor=user,
            data={"facility": str(duplicate.pk), "name": duplicate.name},
        )
        registration.warnings.append(
            _(
                "A facility of %(institution)s in %(city)s is already registered (“%(name)s”). If it is yours, "
                "ask its authorised representative for the facility code instead. The office will check both."
            )
            % {"institution": duplicate.institution or duplicate.name, "city": duplicate.city, "name": duplicate.name}
        )
    notifications.activation(facility, user, activation_token(facility, user))
    return registration


# --- activation -----------------------------------------------------------------------------


class ActivationError(Exception):
    """The activation link cannot be used; the message says why."""


class ActivationExpired(ActivationError):
    pass


def activation_token(facility: Facility, user: User) -> str:
    return signing.dumps({"f": str(facility.pk), "u": str(user.pk)}, salt=ACTIVATION_SALT, compress=True)


def activation_read(token: str) -> tuple[Facility, User]:
    """The facility and account a link is for. Raises ActivationError (tampered) or ActivationExpired."""
    try:
        payload = signing.loads(token, salt=ACTIVATION_SALT, max_age=ACTIVATION_MAX_AGE_DAYS * 86400)
    except signing.SignatureExpired as exc:
        raise ActivationExpired(_("This activation link has expired. Ask for a new one below.")) from exc
    except signing.BadSignature as exc:
        raise ActivationError(_("This activation link is not valid. Copy the whole link from the e-mail.")) from exc
    facility = Facility.objects.filter(pk=payload.get("f"), registered_by_id=payload.get("u")).first()
    if facility is None or facility.registered_by is None:
        raise ActivationError(_("This activation link is not valid. Copy the whole link from the e-mail."))
    return facility, facility.registered_by


def activation_resend(*, facility: Facility) -> None:
    """A fresh link for a facility still waiting for activation (nothing happens otherwise)."""
    if facility.status == FacilityStatus.PENDING_ACTIVATION and facility.registered_by is not None:
        notifications.activation(facility, facility.registered_by, activation_token(facility, facility.registered_by))
        record_event(obj=facility, action="activation_link_resent")


@transaction.atomic
def facility_activate(*, token: str) -> Facility:
    """Verify the account holder's address, activate the registration, give the named roles."""
    facility, user = activation_read(token)
    if facility.status != FacilityStatus.PENDING_ACTIVATION:
        raise ActivationError(_("This registration is already activated. Log in to open the facility."))
    EmailAddress.objects.filter(user=user, email__iexact=user.email).update(verified=True)
    if not EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    facility = FACILITY_LIFECYCLE.apply(facility, "activate", actor=user, changes={"activated_at": timezone.now()})

    registrant_is_rep = _same_email(facility.representative_email, user.email)
    registrant_is_contact = _same_email(facility.contact_email, user.email)
    if registrant_is_rep:
        _add_member(facility, user, FacilityRoleName.AUTHORISED_REPRESENTATIVE, actor=user)
    elif registrant_is_contact:
        _add_member(facility, user, FacilityRoleName.CONTACT_PERSON, actor=user)
    else:
        # Named neither: the registrant still helps with the application.
        _add_member(facility, user, FacilityRoleName.CONTRIBUTOR, actor=user)
    if not registrant_is_rep and facility.representative_email:
        _invite(
            facility,
            facility.representative_email,
            facility.representative_name,
            FacilityRoleName.AUTHORISED_REPRESENTATIVE,
            actor=user,
        )
    if (
        not registrant_is_contact
        and facility.contact_email
        and not _same_email(facility.contact_email, facility.representative_email)
    ):
        _invite(facility, facility.contact_email, facility.contact_name, FacilityRoleName.CONTACT_PERSON, actor=user)
    notifications.activated(facility, user)
    notifications.registration_awaits_confirmation(facility)
    return facility


def _add_member(
    facility: Facility, user: Any, role: str, *, actor: Any, data: dict[str, Any] | None = None
) -> Membership:
    membership = Membership.objects.create(facility=facility, user=user, role=role)
    forget_facility_role(user, facility)
    record_event(
        obj=facility, action="member_added", actor=actor, data={"user": str(user.pk), "role": role, **(data or {})}
    )
    return membership


def _invite(facility: Facility, email: str, name: str, role: str, *, actor: Any) -> Invitation:
    invitation = Invitation.objects.create(facility=facility, email=email.lower(), name=name, role=role)
    record_event(obj=facility, action="invitation_sent", actor=actor, data={"email": invitation.email, "role": role})
    notifications.invitation(invitation)
    return invitation


@transaction.atomic
def invitations_accept(*, user: User) -> list[Membership]:
    """Attach a person to every facility that named one of their verified addresses."""
    from iasios.facilities.selectors import invitations_for_user

    if is_programme_staff(user):
        return []
    memberships = []
    for invitation in invitations_for_user(user).select_for_update():
        facility = invitation.facility
        invitation.accepted_by = user
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_by", "accepted_at", "updated_at"])
        if Membership.objects.filter(facility=facility, user=user).exists():
            continue
        role = invitation.role
        if (
            role == FacilityRoleName.AUTHORISED_REPRESENTATIVE
            and Membership.objects.filter(facility=facility, role=role).exists()
        ):
            # The role moved on since the registration named this person.
            role = FacilityRoleName.CONTACT_PERSON
        memberships.append(_add_member(facility, user, role, actor=user, data={"invitation": str(invitation.pk)}))
    return memberships


# --- facility code --------------------------------------------------------------------------


@transaction.atomic
def facility_code_regenerate(*, facility: Facility, actor: Any) -> str:
    """Give the facility a new code; the old one stops working at once."""
    if not can_regenerate_code(actor, facility):
        raise NotPermitted(_("Only the authorised representative or the contact person can change the code."))
    locked = Facility.objects.select_for_update().get(pk=facility.pk)
    code = new_facility_code()
    while Facility.objects.filter(code=code).exists():  # 31^12 codes: practically never loops
        code = new_facility_code()
    locked.code = code
    locked.save(update_fields=["code", "updated_at"])
    facility.code = code
    # The code itself stays out of the log: the log is readable by more people than the code.
    record_event(obj=locked, action="facility_code_regenerated", actor=actor)
    return code


def facility_language_set(*, facility: Facility, actor: Any, language: str) -> Facility:
    """The language of the facility's letters, invoices, certificate and mails to its own addresses."""
    if not can_regenerate_code(actor, facility):
        raise NotPermitted(_("Only the authorised representative or the contact person can change the language."))
    code = supported_language(language)
    if code is None:
        raise Invalid(_("Choose one of the offered languages."), field="language")
    if facility.language != code:
        previous, facility.language = facility.language, code
        facility.save(update_fields=["language", "updated_at"])
        record_event(
            obj=facility, action="documents_language_changed", actor=actor, data={"from": previous, "to": code}
        )
    return facility


# --- joining --------------------------------------------------------------------------------


def _refuse(message: str) -> Invalid:
    return Invalid(message, field="code")


@transaction.atomic
def join_request_create(*, user: Any, code: str) -> JoinRequest:
    """Ask to join the facility holding `code`; the representative or contact person decides."""
    if not getattr(user, "is_authenticated", False):
        raise NotPermitted(_("Log in to join a facility."))
    if is_programme_staff(user):
        raise NotPermitted(_("Programme staff cannot join a facility."))
    normalised = normalise_facility_code(code)
    facility = Facility.objects.filter(code=normalised).first() if normalised else None
    if facility is None or facility.status in {FacilityStatus.PENDING_ACTIVATION, FacilityStatus.REJECTED}:
        raise _refuse(
            _(
                "No facility has this code. Check it with your authorised representative or contact person: "
                "a code stops working when they replace it."
            )
        )
    if Membership.objects.filter(facility=facility, user=user).exists():
        raise _refuse(_("You are already a member of %(facility)s.") % {"facility": facility.name})
    if facility.status == FacilityStatus.LAPSED:
        raise _refuse(
            _("The membership of %(facility)s has lapsed. New staff can join once the annual fee is paid.")
            % {"facility": facility.name}
        )
    if facility.status not in JOINABLE_STATES:
        raise _refuse(_("%(facility)s is not open for new staff.") % {"facility": facility.name})
    pending = JoinRequest.objects.filter(facility=facility, user=user, status=JoinRequestStatus.PENDING).first()
    if pending is not None:
        raise _refuse(
            _(
                "You already asked to join %(facility)s on %(date)s. The authorised representative or the "
                "contact person has not answered yet."
            )
            % {"facility": facility.name, "date": date_format(timezone.localdate(pending.created_at), "DATE_FORMAT")}
        )
    try:
        with transaction.atomic():
            # The initial state; every later change goes through JOIN_REQUEST_LIFECYCLE.
            join_request = JoinRequest.objects.create(facility=facility, user=user, status=JoinRequestStatus.PENDING)
    except IntegrityError as exc:  # a second request raced the first
        raise _refuse(_("You already asked to join %(facility)s.") % {"facility": facility.name}) from exc
    record_event(obj=join_request, action="requested", actor=user, to_state=JoinRequestStatus.PENDING)
    record_event(
        obj=facility, action="join_requested", actor=user, data={"user": str(user.pk), "request": str(join_request.pk)}
    )
    notifications.join_requested(join_request)
    return join_request


def _refuse_unless_answerer(join_request: JoinRequest, transition: str, actor: Any) -> None:
    if not JOIN_REQUEST_LIFECYCLE[transition].who(actor, join_request):
        raise NotPermitted(_("Only the authorised representative or the contact person can answer requests to join."))


def _lock_open(join_request: JoinRequest, transition: str) -> JoinRequest:
    """The request, locked, when `transition` may be taken on it now.

    The rule is the lifecycle's source state and guard; a request already answered, or a
    facility that takes no staff now, is refused as invalid (the API's 422).
    """
    rule = JOIN_REQUEST_LIFECYCLE[transition]
    locked = JoinRequest.objects.select_for_update().select_related("facility", "user").get(pk=join_request.pk)
    if locked.status not in rule.sources:
        raise Invalid(_("This request was already answered."), field="request")
    refusal = rule.guard(locked) if rule.guard is not None else None
    if refusal:
        raise Invalid(refusal, field="request")
    return locked


@transaction.atomic
def join_request_approve(*, join_request: JoinRequest, actor: Any, role: str) -> Membership:
    _refuse_unless_answerer(join_request, "approve", actor)
    if role not in JOIN_ROLES:
        raise Invalid(_("Choose contributor, read-only or contact person."), field="role")
    locked = _lock_open(join_request, "approve")
    if is_programme_staff(locked.user):
        # Not a guard: it would cost a query per request on the team list, and joining refuses staff.
        raise Invalid(_("Programme staff cannot join a facility."), field="request")
    JOIN_REQUEST_LIFECYCLE.apply(
        join_request,
        "approve",
        actor=actor,
        data={"role": role},
        changes={"role": role, "decided_by": actor, "decided_at": timezone.now()},
    )
    record_event(
        obj=locked.facility, action="join_approved", actor=actor, data={"user": str(locked.user_id), "role": role}
    )
    return _add_member(locked.facility, locked.user, role, actor=actor)


@transaction.atomic
def join_request_decline(*, join_request: JoinRequest, actor: Any, reason: str = "") -> JoinRequest:
    _refuse_unless_answerer(join_request, "decline", actor)
    locked = _lock_open(join_request, "decline")
    reason = reason.strip()
    JOIN_REQUEST_LIFECYCLE.apply(
        join_request,
        "decline",
        actor=actor,
        reason=reason,
        changes={"reason": reason, "decided_by": actor, "decided_at": timezone.now()},
    )
    record_event(
        obj=locked.facility, action="join_declined", actor=actor, reason=reason, data={"user": str(locked.user_id)}
    )
    return join_request


@transaction.atomic
def membership_remove(*, membership: Membership, actor: Any) -> None:
    """Managers remove members; the authorised representative is handed over, never removed."""
    facility = membership.facility
    if not can_manage_team(actor, facility):
        raise NotPermitted(_("Only the authorised representative or the contact person can remove members."))
    if membership.role == FacilityRoleName.AUTHORISED_REPRESENTATIVE:
        raise Invalid(
            _("The authorised representative cannot be removed; hand the role over to another member first."),
            field="member",
        )
    user = membership.user
    role = membership.role
    membership.delete()
    forget_facility_role(user, facility)
    record_event(obj=facility, action="member_removed", actor=actor, data={"user": str(user.pk), "role": role})


@transaction.atomic
def representative_handover(
    *, facility: Facility, to: Membership, actor: Any, previous_holder_role: str = FacilityRoleName.CONTACT_PERSON
) -> Membership:
    """Give the authorised representative role to an existing member.

    The previous holder stays in the team, by default as contact person (they know the file).
    """
    if not can_handover(actor, facility):
        raise NotPermitted(_("Only the authorised representative or the office can hand the role over."))
    if to.facility_id != facility.pk:
        raise Invalid(_("The new representative must already be a member of this facility."), field="member")
    if to.role == FacilityRoleName.AUTHORISED_REPRESENTATIVE:
        raise Invalid(_("This person already is the authorised representative."), field="member")
    if previous_holder_role not in (FacilityRoleName.CONTACT_PERSON, FacilityRoleName.CONTRIBUTOR):
        raise Invalid(_("The previous holder becomes contact person or contributor."), field="previous_holder_role")
    Facility.objects.select_for_update().get(pk=facility.pk)
    current = Membership.objects.filter(facility=facility, role=FacilityRoleName.AUTHORISED_REPRESENTATIVE).first()
    if current is not None:
        current.role = previous_holder_role
        current.save(update_fields=["role", "updated_at"])
        forget_facility_role(current.user, facility)
    to = Membership.objects.select_related("user").get(pk=to.pk)
    to.role = FacilityRoleName.AUTHORISED_REPRESENTATIVE
    to.save(update_fields=["role", "updated_at"])
    forget_facility_role(to.user, facility)
    if actor is not None:
        forget_facility_role(actor, facility)
    record_event(
        obj=facility,
        action="representative_handed_over",
        actor=actor,
        data={
            "from": str(current.user_id) if current else "",
            "to": str(to.user_id),
            "previous_holder_role": previous_holder_role,
        },
    )
    notifications.representative_changed(facility, to.user)
    return to


# --- lifecycle ------------------------------------------------------------------------------


def facility_confirm(*, facility: Facility, actor: Any, sponsor: str = "") -> Facility:
    """The facility side of the office's confirmation (the transition and its event).

    The office confirms through billing (`billing.services.enrolment_confirm`), which takes this
    transition and issues the enrolment invoice in the same transaction.
    """
    if not may("confirm", actor, facility):
        raise NotPermitted(_("Only the programme office decides on registrations."))
    sponsor = sponsor.strip()
    return FACILITY_LIFECYCLE.apply(facility, "confirm", actor=actor, data={"sponsor": sponsor} if sponsor else None)


def facility_reject(*, facility: Facility, actor: Any, reason: str) -> Facility:
    """The office rejects a registration; the reason is e-mailed to the registrant."""
    if not may("reject", actor, facility):
        raise NotPermitted(_("Only the programme office decides on registrations."))
    return FACILITY_LIFECYCLE.apply(facility, "reject", actor=actor, reason=reason.strip())


def facility_mark_enrolled(*, facility: Facility, actor: Any = None) -> Facility:
    """Enrolment invoice paid: the facility is an Enrolled Centre; the first time sets the anniversary."""
    changes = {} if facility.enrolled_on else {"enrolled_on": timezone.localdate()}
    return FACILITY_LIFECYCLE.apply(facility, "enrol", actor=actor, changes=changes)


def facility_lapse(
    *, facility: Facility, actor: Any = None, reason: str, data: dict[str, Any] | None = None
) -> Facility:
    return FACILITY_LIFECYCLE.apply(facility, "lapse", actor=actor, reason=reason, data=data)


def facility_restore(*, facility: Facility, actor: Any = None) -> Facility:
    return FACILITY_LIFECYCLE.apply(facility, "restore", actor=actor)
