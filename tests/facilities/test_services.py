"""Facility services: registration, activation, code, joining, team, lifecycle."""

from __future__ import annotations

import time
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from iasios.accounts.roles import FacilityRoleName
from iasios.core.models import Event
from iasios.core.statemachine import TransitionNotAllowed
from iasios.facilities import services
from iasios.facilities.models import (
    FACILITY_CODE_ALPHABET,
    Facility,
    FacilityStatus,
    Invitation,
    JoinRequest,
    JoinRequestStatus,
    Membership,
    new_facility_code,
)
from iasios.facilities.services import NewAccount, Person
from iasios.standards.selectors import current_programme_settings
from tests import factories
from tests.facilities.conftest import registration_data, set_status, volumes_totalling

pytestmark = pytest.mark.usefixtures("framework")


def actions(facility: Facility) -> list[str]:
    return list(Event.objects.for_object(facility).order_by("id").values_list("action", flat=True))


def register(user: Any = None, **overrides: Any) -> services.Registration:
    if user is None:
        user = factories.make_user("rita@example.org", name="Rita Rep")
    return services.facility_register(data=registration_data(**overrides), user=user)


# --- registration ------------------------------------------------------------------------


def test_volume_under_threshold_is_refused_with_threshold_and_total(db: Any) -> None:
    threshold = current_programme_settings().volume_threshold
    user = factories.make_user()
    with pytest.raises(ValidationError) as exc:
        services.facility_register(data=registration_data(volumes=volumes_totalling(threshold - 1)), user=user)
    message = " ".join(exc.value.message_dict["volumes"])
    assert str(threshold) in message
    assert str(threshold - 1) in message
    assert not Facility.objects.exists()


def test_volume_at_threshold_is_accepted_and_stored_per_category(db: Any) -> None:
    programme = current_programme_settings()
    reg = register(volumes=volumes_totalling(programme.volume_threshold))
    stored = {v.category: v.yearly_volume for v in reg.facility.volumes.all()}
    assert set(stored) == {code for code, _label in programme.procedure_categories}
    assert sum(stored.values()) == programme.volume_threshold
    assert reg.facility.status == FacilityStatus.PENDING_ACTIVATION


def test_unknown_category_is_refused(db: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        register(volumes={"brain-surgery": 500})
    assert "brain-surgery" in str(exc.value)


def test_registration_needs_the_attestation(db: Any) -> None:
    with pytest.raises(ValidationError) as exc:
        register(approval_attested=False)
    assert "approval_attested" in exc.value.message_dict


def test_anonymous_registrant_gets_an_unverified_account_and_the_activation_mail(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        reg = services.facility_register(
            data=registration_data(),
            account=NewAccount(name="New Person", email="New@Example.org", password="a-long-unusual-passphrase"),
        )
    assert reg.registrant.email == "new@example.org"
    assert EmailAddress.objects.get(user=reg.registrant).verified is False
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "/facilities/activate/" in body
    assert reg.facility.formatted_code in body


def test_anonymous_registrant_with_existing_email_is_told_to_log_in(db: Any) -> None:
    factories.make_user("taken@example.org")
    with pytest.raises(ValidationError) as exc:
        services.facility_register(
            data=registration_data(),
            account=NewAccount(name="X", email="taken@example.org", password="a-long-unusual-passphrase"),
        )
    assert "email" in exc.value.message_dict


def test_programme_staff_cannot_register(db: Any) -> None:
    office = factories.make_staff("office")
    with pytest.raises(PermissionDenied):
        services.facility_register(data=registration_data(), user=office)


def test_likely_duplicate_is_flagged_not_blocked(db: Any) -> None:
    first = register()
    second = register(
        user=factories.make_user(),
        name="IO service",
        institution="st elsewhere university HOSPITAL",
        city="GHENT",
    )
    assert second.facility.possible_duplicate_of == first.facility
    assert second.warnings and first.facility.name in second.warnings[0]
    assert "possible_duplicate_flagged" in actions(second.facility)
    other_city = register(user=factories.make_user(), city="Bruges")
    assert other_city.facility.possible_duplicate_of is None
    assert other_city.warnings == []


# --- activation ----------------------------------------------------------------------------


def test_activation_verifies_the_address_and_gives_roles(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    user = factories.make_user("rita@example.org", verified=False)
    reg = register(user=user)
    token = services.activation_token(reg.facility, user)
    with django_capture_on_commit_callbacks(execute=True):
        facility = services.facility_activate(token=token)
    assert facility.status == FacilityStatus.REGISTERED
    assert EmailAddress.objects.get(user=user).verified is True
    assert Membership.objects.get(facility=facility, user=user).role == FacilityRoleName.AUTHORISED_REPRESENTATIVE
    invitation = Invitation.objects.get(facility=facility)
    assert (invitation.email, invitation.role) == ("carl@example.org", FacilityRoleName.CONTACT_PERSON)
    assert any("carl@example.org" in m.to for m in mail.outbox)
    assert "activate" in actions(facility)


def test_activation_twice_is_refused(db: Any) -> None:
    reg = register()
    token = services.activation_token(reg.facility, reg.registrant)
    services.facility_activate(token=token)
    with pytest.raises(services.ActivationError, match="already activated"):
        services.facility_activate(token=token)


def test_expired_activation_link_is_refused(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    reg = register()
    max_age = services.ACTIVATION_MAX_AGE_DAYS * 86400
    real_time = time.time
    # Sign the link as if it had been sent just over the allowed age ago.
    monkeypatch.setattr(time, "time", lambda: real_time() - max_age - 60)
    expired = services.activation_token(reg.facility, reg.registrant)
    monkeypatch.setattr(time, "time", real_time)
    with pytest.raises(services.ActivationExpired):
        services.activation_read(expired)
    with pytest.raises(services.ActivationExpired):
        services.facility_activate(token=expired)
    assert Facility.objects.get(pk=reg.facility.pk).status == FacilityStatus.PENDING_ACTIVATION
    # A fresh link still works.
    services.activation_read(services.activation_token(reg.facility, reg.registrant))


def test_tampered_activation_link_is_refused(db: Any) -> None:
    reg = register()
    token = services.activation_token(reg.facility, reg.registrant)
    with pytest.raises(services.ActivationError) as exc:
        services.activation_read(token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    assert not isinstance(exc.value, services.ActivationExpired)


def test_registrant_named_as_neither_role_is_contributor_and_both_are_invited(db: Any) -> None:
    user = factories.make_user("helper@example.org")
    reg = register(user=user)
    services.facility_activate(token=services.activation_token(reg.facility, user))
    assert Membership.objects.get(user=user).role == FacilityRoleName.CONTRIBUTOR
    assert set(Invitation.objects.values_list("role", flat=True)) == {
        FacilityRoleName.AUTHORISED_REPRESENTATIVE,
        FacilityRoleName.CONTACT_PERSON,
    }


def test_invited_person_is_attached_on_login_with_verified_address(db: Any) -> None:
    reg = register()
    services.facility_activate(token=services.activation_token(reg.facility, reg.registrant))
    carl = factories.make_user("carl@example.org", verified=False)
    assert services.invitations_accept(user=carl) == []
    EmailAddress.objects.filter(user=carl).update(verified=True)
    [membership] = services.invitations_accept(user=carl)
    assert membership.role == FacilityRoleName.CONTACT_PERSON
    assert services.invitations_accept(user=carl) == []


# --- facility code ---------------------------------------------------------------------------


def test_code_alphabet_and_length() -> None:
    codes = {new_facility_code() for _i in range(300)}
    assert len(codes) == 300
    for code in codes:
        assert len(code) >= 10
        assert set(code) <= set(FACILITY_CODE_ALPHABET)
    assert not set("0O1IL") & set(FACILITY_CODE_ALPHABET)


def test_regenerating_the_code_invalidates_the_old_one(cast: Any) -> None:
    old = cast.facility.code
    new = services.facility_code_regenerate(facility=cast.facility, actor=cast.representative)
    assert new != old
    joiner = factories.make_user()
    with pytest.raises(ValidationError, match="No facility has this code"):
        services.join_request_create(user=joiner, code=old)
    assert services.join_request_create(user=joiner, code=new).facility == cast.facility
    assert "facility_code_regenerated" in actions(cast.facility)
    assert old not in str(list(Event.objects.values_list("data", flat=True)))


def test_contributor_cannot_regenerate_the_code(cast: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.facility_code_regenerate(facility=cast.facility, actor=cast.contributor)


# --- joining ------------------------------------------------------------------------------


def test_join_approve_flow(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    joiner = factories.make_user(name="Jo Joiner")
    with django_capture_on_commit_callbacks(execute=True):
        jr = services.join_request_create(user=joiner, code=cast.facility.formatted_code.lower())
    assert jr.status == JoinRequestStatus.PENDING
    assert {cast.representative.email, cast.contact.email} <= set(mail.outbox[-1].to)
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.join_request_approve(join_request=jr, actor=cast.contact, role=FacilityRoleName.READ_ONLY)
    assert membership.role == FacilityRoleName.READ_ONLY
    assert mail.outbox[-1].to == [joiner.email]
    assert {"join_requested", "join_approved", "member_added"} <= set(actions(cast.facility))
    assert jr.history.count() >= 2


def test_join_decline_with_reason(cast: Any) -> None:
    jr = services.join_request_create(user=factories.make_user(), code=cast.facility.code)
    services.join_request_decline(join_request=jr, actor=cast.representative, reason="Not our department")
    jr.refresh_from_db()
    assert (jr.status, jr.reason) == (JoinRequestStatus.DECLINED, "Not our department")
    assert not Membership.objects.filter(user=jr.user).exists()


def test_join_refusals_have_clear_messages(cast: Any) -> None:
    joiner = factories.make_user()
    with pytest.raises(ValidationError, match="No facility has this code"):
        services.join_request_create(user=joiner, code="WRONGCODE234")
    with pytest.raises(ValidationError, match="already a member"):
        services.join_request_create(user=cast.contributor, code=cast.facility.code)
    services.join_request_create(user=joiner, code=cast.facility.code)
    with pytest.raises(ValidationError, match="already asked to join"):
        services.join_request_create(user=joiner, code=cast.facility.code)
    assert JoinRequest.objects.filter(user=joiner).count() == 1


def test_lapsed_facility_refuses_joins(cast: Any) -> None:
    set_status(cast.facility, FacilityStatus.LAPSED)
    with pytest.raises(ValidationError, match="lapsed"):
        services.join_request_create(user=factories.make_user(), code=cast.facility.code)


def test_pending_activation_facility_code_does_not_work(db: Any) -> None:
    reg = register()
    with pytest.raises(ValidationError, match="No facility has this code"):
        services.join_request_create(user=factories.make_user(), code=reg.facility.code)


def test_programme_staff_cannot_join(cast: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.join_request_create(user=cast.assessor, code=cast.facility.code)


def test_only_managers_approve_and_only_allowed_roles(cast: Any) -> None:
    jr = services.join_request_create(user=factories.make_user(), code=cast.facility.code)
    with pytest.raises(PermissionDenied):
        services.join_request_approve(join_request=jr, actor=cast.contributor, role=FacilityRoleName.CONTRIBUTOR)
    with pytest.raises(PermissionDenied):
        services.join_request_approve(join_request=jr, actor=cast.outsider, role=FacilityRoleName.CONTRIBUTOR)
    with pytest.raises(ValidationError):
        services.join_request_approve(
            join_request=jr, actor=cast.representative, role=FacilityRoleName.AUTHORISED_REPRESENTATIVE
        )
    services.join_request_approve(join_request=jr, actor=cast.representative, role=FacilityRoleName.CONTRIBUTOR)
    with pytest.raises(ValidationError, match="already answered"):
        services.join_request_decline(join_request=jr, actor=cast.representative)


# --- team -----------------------------------------------------------------------------------


def test_remove_member(cast: Any) -> None:
    membership = Membership.objects.get(user=cast.read_only)
    services.membership_remove(membership=membership, actor=cast.contact)
    assert not Membership.objects.filter(user=cast.read_only).exists()
    assert "member_removed" in actions(cast.facility)


def test_representative_cannot_be_removed_and_contributor_cannot_remove(cast: Any) -> None:
    with pytest.raises(ValidationError):
        services.membership_remove(membership=Membership.objects.get(user=cast.representative), actor=cast.contact)
    with pytest.raises(PermissionDenied):
        services.membership_remove(membership=Membership.objects.get(user=cast.read_only), actor=cast.contributor)


def test_handover_by_holder_to_existing_member(cast: Any) -> None:
    target = Membership.objects.get(user=cast.contributor)
    services.representative_handover(facility=cast.facility, to=target, actor=cast.representative)
    roles = dict(Membership.objects.values_list("user_id", "role"))
    assert roles[cast.contributor.pk] == FacilityRoleName.AUTHORISED_REPRESENTATIVE
    assert roles[cast.representative.pk] == FacilityRoleName.CONTACT_PERSON
    assert "representative_handed_over" in actions(cast.facility)


def test_handover_by_office_and_previous_holder_role(cast: Any) -> None:
    target = Membership.objects.get(user=cast.read_only)
    services.representative_handover(
        facility=cast.facility, to=target, actor=cast.office, previous_holder_role=FacilityRoleName.CONTRIBUTOR
    )
    assert Membership.objects.get(user=cast.representative).role == FacilityRoleName.CONTRIBUTOR


def test_handover_refusals(cast: Any) -> None:
    target = Membership.objects.get(user=cast.contributor)
    with pytest.raises(PermissionDenied):
        services.representative_handover(facility=cast.facility, to=target, actor=cast.contact)
    outsider_membership = Membership.objects.get(user=cast.outsider)
    with pytest.raises(ValidationError, match="already be a member"):
        services.representative_handover(facility=cast.facility, to=outsider_membership, actor=cast.representative)


# --- lifecycle ------------------------------------------------------------------------------


def test_only_office_confirms_and_rejects(cast: Any, fake_invoice: list[Any]) -> None:
    with pytest.raises(PermissionDenied):
        services.facility_confirm(facility=cast.facility, actor=cast.representative)
    with pytest.raises(PermissionDenied):
        services.facility_reject(facility=cast.facility, actor=cast.assessor, reason="x")
    assert fake_invoice == []


def test_reject_needs_a_reason_and_mails_it(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    with pytest.raises(TransitionNotAllowed):
        services.facility_reject(facility=cast.facility, actor=cast.office, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.facility_reject(facility=cast.facility, actor=cast.office, reason="Volume not plausible")
    assert cast.facility.status == FacilityStatus.REJECTED
    assert "Volume not plausible" in mail.outbox[-1].body


def test_enrol_lapse_restore(cast: Any, django_capture_on_commit_callbacks: Any) -> None:
    set_status(cast.facility, FacilityStatus.AWAITING_PAYMENT)
    with django_capture_on_commit_callbacks(execute=True):
        facility = services.facility_mark_enrolled(facility=cast.facility)
    assert facility.status == FacilityStatus.ENROLLED
    assert facility.enrolled_on is not None
    assert Facility.objects.for_public_registry().filter(pk=facility.pk).exists()
    assert {cast.representative.email, cast.contact.email} <= set(mail.outbox[-1].to)
    first_enrolled_on = facility.enrolled_on
    facility = services.facility_lapse(facility=facility, reason="Annual fee unpaid")
    assert facility.status == FacilityStatus.LAPSED
    assert not Facility.objects.for_public_registry().filter(pk=facility.pk).exists()
    facility = services.facility_restore(facility=facility)
    assert facility.status == FacilityStatus.ENROLLED
    assert Facility.objects.get(pk=facility.pk).enrolled_on == first_enrolled_on
    assert actions(facility)[-3:] == ["enrol", "lapse", "restore"]


@pytest.mark.parametrize(
    ("state", "call"),
    [
        (FacilityStatus.REGISTERED, lambda f: services.facility_mark_enrolled(facility=f)),
        (FacilityStatus.AWAITING_PAYMENT, lambda f: services.facility_lapse(facility=f, reason="x")),
        (FacilityStatus.ENROLLED, lambda f: services.facility_restore(facility=f)),
        (FacilityStatus.LAPSED, lambda f: services.facility_mark_enrolled(facility=f)),
    ],
)
def test_lifecycle_refuses_wrong_states(cast: Any, state: str, call: Any) -> None:
    set_status(cast.facility, state)
    before = Event.objects.count()
    with pytest.raises(TransitionNotAllowed):
        call(cast.facility)
    assert Facility.objects.get(pk=cast.facility.pk).status == state
    assert Event.objects.count() == before


def test_facility_members_cannot_take_system_transitions(cast: Any) -> None:
    set_status(cast.facility, FacilityStatus.AWAITING_PAYMENT)
    with pytest.raises(PermissionDenied):
        services.facility_mark_enrolled(facility=cast.facility, actor=cast.representative)


def test_registrant_named_for_both_roles_holds_the_representative_role(db: Any) -> None:
    """Registrant named as both: one membership (representative), no invitation for themself."""
    user = factories.make_user("both@example.org")
    me = Person(name="Both", email="both@example.org", phone="1")
    reg = services.facility_register(data=registration_data(representative=me, contact=me), user=user)
    services.facility_activate(token=services.activation_token(reg.facility, user))
    assert Membership.objects.get(user=user).role == FacilityRoleName.AUTHORISED_REPRESENTATIVE
    assert not Invitation.objects.exists()
