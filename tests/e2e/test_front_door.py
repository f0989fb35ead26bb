"""From the public home to the facility's page in one flow (one form, one e-mail link, both roles), and
the office recording a payment from its invoice list (issue 11)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Locator, Page, expect

from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.billing import services as billing
from iasios.billing.models import InvoiceStatus
from iasios.facilities.models import Facility, FacilityStatus, Membership
from iasios.standards.selectors import current_programme_settings
from tests import factories
from tests.totp import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

EMAIL = "solo@small-io.example"
PASSWORD = "a-long-registrant-password-7"


def field(scope: Page | Locator, label: str) -> Locator:
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def activation_path(address: str) -> str:
    [message] = [m for m in mail.outbox if address in m.to]
    match = re.search(r"https?://[^/\s]+(/facilities/activate/\S+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_logged_out_visitor_registers_the_service_and_one_link_signs_them_in_with_both_roles(
    page: Page, framework: Any, shoot: Any
) -> None:
    factories.make_staff(ProgrammeRoleName.OFFICE, email="office@programme.example")
    programme = current_programme_settings()
    codes = [code for code, _label in programme.procedure_categories]
    labels = dict(programme.procedure_categories)

    page.goto("/")
    page.get_by_role("link", name="Register your service").first.click()
    expect(page.get_by_role("heading", name="Register a facility")).to_be_visible()

    field(page, "Your full name").fill("Sam Solo")
    field(page, "Your e-mail address").fill(EMAIL)
    field(page, "Password").fill(PASSWORD)
    field(page, "Password again").fill(PASSWORD)
    field(page, "Facility name").fill("Small IO Service")
    page.get_by_label("Independent facility (not part of a larger institution)").check()
    field(page, "Address").fill("3 Harbour Street")
    field(page, "City").fill("Aarhus")
    field(page, "Country").select_option(label="Denmark")
    per_category = -(-programme.volume_threshold // len(codes))
    for code in codes:
        field(page, labels[code]).fill(str(per_category))
    field(page, "Approver's name").fill("Dr Dana Director")
    field(page, "Approver's role").fill("Hospital director")
    page.get_by_label("I confirm that this person approved the application for accreditation.").check()
    page.get_by_label("That's me: I am the authorised representative").check()
    field(page, "Representative's phone").fill("+45 1")
    expect(field(page, "Contact person's e-mail")).to_be_visible()
    page.get_by_label("That's me: I am the contact person").check()
    # A role ticked "That's me" asks for no name or e-mail: the account's are used.
    for label in (
        "Representative's name",
        "Representative's e-mail",
        "Contact person's name",
        "Contact person's e-mail",
    ):
        expect(field(page, label)).to_be_hidden()
    field(page, "Contact person's phone").fill("+45 2")
    shoot("front-door-form")
    page.get_by_role("button", name="Register the facility").click()

    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    expect(page.get_by_text(EMAIL)).to_be_visible()
    # One e-mail, to the registrant only: nothing goes to the office before the address is confirmed.
    assert [m.to for m in mail.outbox] == [[EMAIL]]

    page.goto(activation_path(EMAIL))
    page.get_by_role("button", name="Activate").click()

    facility = Facility.objects.get()
    expect(page.get_by_role("heading", name="Small IO Service")).to_be_visible()
    assert page.url.endswith(f"/facilities/{facility.pk}/")
    expect(page.get_by_text("The registration is activated.")).to_be_visible()
    team = page.locator("table.team-table")
    expect(team.get_by_role("cell", name="Authorised representative and contact person")).to_be_visible()
    expect(page.get_by_role("link", name="Sam Solo")).to_have_count(0)  # signed in: no login link is offered
    shoot("front-door-facility")

    assert facility.status == FacilityStatus.REGISTERED
    membership = Membership.objects.get(facility=facility)
    assert (membership.user.email, membership.role) == (EMAIL, FacilityRoleName.AUTHORISED_REPRESENTATIVE)
    assert any(m.to == ["office@programme.example"] for m in mail.outbox)


def test_the_office_records_a_payment_from_its_invoice_list_without_leaving_it(page: Page, framework: Any) -> None:
    office = factories.make_staff(ProgrammeRoleName.OFFICE, mfa=False, name="Olga Office")
    secret = factories.enable_totp(office)
    facility = factories.make_facility(status=FacilityStatus.AWAITING_PAYMENT)
    factories.make_member(facility, FacilityRoleName.AUTHORISED_REPRESENTATIVE)
    invoice = billing.invoice_issue_enrolment(facility=facility, actor=office)

    page.goto("/accounts/login/")
    field(page, "Email").fill(office.email)
    field(page, "Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    field(page, "Code").fill(totp_code(secret, steps_ahead=1))
    page.get_by_role("button", name="Continue").click()

    page.goto("/office/billing/")
    row = page.get_by_role("row").filter(has_text=invoice.number)
    row.get_by_text("Record payment").click()
    expect(row.get_by_label(re.compile("^Amount"))).to_have_value(str(invoice.total))
    row.get_by_label("Reference").fill("BANK-2026-0099")
    row.get_by_role("button", name="Record", exact=True).click()

    expect(page.get_by_text(f"Invoice {invoice.number}: the payment was recorded.")).to_be_visible()
    assert page.url.endswith("/office/billing/")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    expect(page.get_by_role("row").filter(has_text=invoice.number).get_by_text("Record payment")).to_have_count(0)
