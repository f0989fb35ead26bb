"""Registering from the front door: one form, one e-mail, one person in both roles; the office is told."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.accounts.selectors import programme_role_emails
from iasios.facilities import services
from iasios.facilities.models import Facility, FacilityStatus, Invitation, Membership
from iasios.facilities.selectors import registrations_to_confirm
from iasios.facilities.services import Person
from iasios.standards.selectors import current_programme_settings
from tests import factories
from tests.facilities.conftest import registration_data, set_status
from tests.facilities.test_pages import form_data

pytestmark = pytest.mark.usefixtures("framework")

REGISTER_URL = reverse("facilities:register")


@pytest.mark.parametrize("url", [reverse("home"), reverse("eligibility")])
def test_public_pages_lead_to_the_registration(db: Any, url: str) -> None:
    page = Client().get(url).content.decode()
    assert f'href="{REGISTER_URL}"' in page
    assert "Register your service" in page


def test_programme_staff_get_no_registration_call_to_action(db: Any) -> None:
    client = Client()
    client.force_login(factories.make_staff(ProgrammeRoleName.OFFICE))
    assert f'href="{REGISTER_URL}"' not in client.get(reverse("home")).content.decode()


def both_roles_form(total: int) -> dict[str, str]:
    return form_data(total, contact_is_me="on", contact_name="", contact_email="")


def test_one_person_ticks_both_roles_and_one_link_does_everything(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    factories.make_staff(ProgrammeRoleName.OFFICE, email="office@example.org")
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REGISTER_URL, both_roles_form(current_programme_settings().volume_threshold))
    assert response.status_code == 302, response.content.decode()[:2000]
    facility = Facility.objects.get()
    assert facility.contact_email == facility.representative_email == "nina@example.org"
    # One message to the registrant: the link that confirms the address and activates.
    [message] = mail.outbox
    assert message.to == ["nina@example.org"]
    match = re.search(r"https?://[^/\s]+(/facilities/activate/\S+/)", str(message.body))
    assert match
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(match.group(1))
    assert response["Location"] == reverse("facilities:dashboard", args=[facility.pk])
    membership = Membership.objects.get(facility=facility)
    assert membership.role == FacilityRoleName.AUTHORISED_REPRESENTATIVE
    assert membership.user.emailaddress_set.get().verified  # type: ignore[attr-defined]
    assert not Invitation.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Authorised representative and contact person" in page
    assert {tuple(m.to) for m in mail.outbox} == {("nina@example.org",), ("office@example.org",)}


def test_the_team_names_one_role_when_another_person_is_contact(db: Any) -> None:
    user = factories.make_user("rita@example.org")
    reg = services.facility_register(data=registration_data(), user=user)
    services.facility_activate(token=services.activation_token(reg.facility, user))
    client = Client()
    client.force_login(user)
    page = client.get(reverse("facilities:dashboard", args=[reg.facility.pk])).content.decode()
    assert "Authorised representative and contact person" not in page
    assert "Authorised representative" in page


def test_the_office_is_told_when_a_registration_awaits_confirmation(
    db: Any, django_capture_on_commit_callbacks: Any
) -> None:
    office = [factories.make_staff(ProgrammeRoleName.OFFICE) for _ in range(2)]
    factories.make_staff(ProgrammeRoleName.ASSESSOR)
    factories.make_staff(ProgrammeRoleName.OFFICE, is_active=False)
    user = factories.make_user("solo@example.org")
    me = Person(name="Solo", email="solo@example.org", phone="1")
    reg = services.facility_register(data=registration_data(representative=me, contact=me), user=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.facility_activate(token=services.activation_token(reg.facility, user))
    [to_office] = [m for m in mail.outbox if "solo@example.org" not in m.to]
    assert sorted(to_office.to) == sorted(u.email for u in office)
    assert reg.facility.name in to_office.subject
    assert reverse("office_facilities:detail", args=[reg.facility.pk]) in to_office.body


def test_nobody_in_the_office_means_no_mail(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    assert programme_role_emails(ProgrammeRoleName.OFFICE) == []
    user = factories.make_user("rita@example.org")
    reg = services.facility_register(data=registration_data(), user=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.facility_activate(token=services.activation_token(reg.facility, user))
    assert mail.outbox
    assert not [m for m in mail.outbox if m.subject.startswith("Registration to confirm")]


def test_registrations_to_confirm_are_the_activated_ones_oldest_first(db: Any) -> None:
    now = timezone.now()
    newer = factories.make_facility(status=FacilityStatus.REGISTERED, activated_at=now)
    older = factories.make_facility(status=FacilityStatus.REGISTERED, activated_at=now - datetime.timedelta(days=3))
    for status in (FacilityStatus.PENDING_ACTIVATION, FacilityStatus.AWAITING_PAYMENT, FacilityStatus.REJECTED):
        set_status(factories.make_facility(), status)
    assert list(registrations_to_confirm()) == [older, newer]
    assert registrations_to_confirm().count() == 2


def test_the_sign_up_page_points_a_new_service_to_the_one_form(db: Any) -> None:
    page = Client().get(reverse("account_signup")).content.decode()
    assert f'href="{REGISTER_URL}"' in page
