"""From a public registration to an Enrolled Centre, and a colleague joining by code (issue 3)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import Browser, Locator, Page, expect

from iasios.accounts.roles import ProgrammeRoleName
from iasios.billing.models import Invoice
from iasios.facilities.models import Facility
from iasios.standards.selectors import current_programme_settings
from tests import factories
from tests.e2e.conftest import WIDTHS
from tests.totp import totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-registrant-password-7"
FACILITY = "Interventional Oncology Unit Leuven"


def field(scope: Page | Locator, label: str) -> Locator:
    """The control labelled exactly `label` (a required field's label ends in an asterisk)."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def link_in_mail_to(address: str, pattern: str) -> str:
    """The path of the first link matching `pattern` in the newest e-mail sent to `address`."""
    for message in reversed(mail.outbox):
        if address in message.to:
            match = re.search(rf"https?://[^/\s]+({pattern})", message.body)
            assert match, message.body
            return match.group(1)
    raise AssertionError(f"no e-mail to {address}: {[m.to for m in mail.outbox]}")


def log_in(page: Page, email: str, password: str, *, totp_secret: str | None = None) -> None:
    page.goto("/accounts/login/")
    field(page, "Email").fill(email)
    field(page, "Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    if totp_secret is not None:
        expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
        field(page, "Code").fill(totp_code(totp_secret, steps_ahead=1))
        page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Welcome, "))).to_be_visible()


@pytest.fixture
def new_page(browser: Browser, live_server: Any) -> Iterator[Callable[[], Page]]:
    """Pages in browser contexts of their own, for the other people of the story (own cookies)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTHS["desktop"], "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def fill_registration(page: Page, volumes: dict[str, int]) -> None:
    """Every field a logged-out registrant fills in; the registrant is the authorised representative."""
    field(page, "Your full name").fill("Rita Registrant")
    field(page, "Your e-mail address").fill("rita@uzleuven.example")
    field(page, "Password").fill(PASSWORD)
    field(page, "Password again").fill(PASSWORD)

    field(page, "Facility name").fill(FACILITY)
    field(page, "Parent institution").fill("University Hospitals Leuven")
    field(page, "Address").fill("Herestraat 49")
    field(page, "City").fill("Leuven")
    field(page, "Country").select_option(label="Belgium")
    field(page, "Website").fill("https://www.uzleuven.example")
    field(page, "Latitude").fill("50.8798")
    field(page, "Longitude").fill("4.7005")

    labels = dict(current_programme_settings().procedure_categories)
    for code, number in volumes.items():
        field(page, labels[code]).fill(str(number))

    field(page, "Approver's name").fill("Prof. Dirk Director")
    field(page, "Approver's role").fill("Head of department")
    page.get_by_label("I confirm that this person approved the application for accreditation.").check()

    page.get_by_label("That's me: I am the authorised representative").check()
    field(page, "Representative's phone").fill("+32 16 33 22 11")
    field(page, "Contact person's name").fill("Carl Contact")
    field(page, "Contact person's e-mail").fill("carl@uzleuven.example")
    field(page, "Contact person's phone").fill("+32 16 33 22 12")
    page.get_by_label("List our service on the public registry once it holds a seal.").check()


def test_register_activate_confirm_invoice_pay_enrol_and_a_colleague_joins(
    page: Page, new_page: Callable[[], Page], framework: Any, shoot: Any
) -> None:
    programme = current_programme_settings()
    threshold = programme.volume_threshold
    codes = [code for code, _label in programme.procedure_categories]
    assert len(codes) >= 2

    # 1. Registration, refused first: the total is one short of the threshold.
    page.goto("/facilities/register/")
    expect(page.get_by_role("heading", name="Register a facility")).to_be_visible()
    short = {codes[0]: threshold - 11, codes[1]: 10}
    fill_registration(page, short)
    page.get_by_role("button", name="Register the facility").click()
    expect(page.get_by_text("Some answers need your attention")).to_be_visible()
    expect(
        page.get_by_text(
            f"at least {threshold} therapeutic IO procedures a year; the volumes entered add up to {threshold - 1}."
        )
    ).to_be_visible()
    shoot("register-under-threshold")
    assert not Facility.objects.exists()
    # Nothing typed is lost.
    expect(field(page, "Facility name")).to_have_value(FACILITY)
    expect(field(page, "Your e-mail address")).to_have_value("rita@uzleuven.example")
    expect(field(page, "Country")).to_have_value("BE")
    expect(field(page, "Contact person's e-mail")).to_have_value("carl@uzleuven.example")
    expect(page.get_by_label("That's me: I am the authorised representative")).to_be_checked()
    labels = dict(programme.procedure_categories)
    expect(field(page, labels[codes[0]])).to_have_value(str(threshold - 11))
    expect(field(page, labels[codes[1]])).to_have_value("10")

    # Spread over every category, the total reaches the threshold.
    per_category = -(-threshold // len(codes))
    for code in codes:
        field(page, labels[code]).fill(str(per_category))
    page.get_by_role("button", name="Register the facility").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    expect(page.get_by_text("rita@uzleuven.example")).to_be_visible()
    facility = Facility.objects.get(name=FACILITY)
    assert facility.status == "pending_activation"
    assert sum(v.yearly_volume for v in facility.volumes.all()) == per_category * len(codes) >= threshold

    # 2. Activation from the e-mail: the link only shows what it does until the button is pressed.
    page.goto(link_in_mail_to("rita@uzleuven.example", r"/facilities/activate/[^\s/]+/"))
    expect(page.get_by_role("heading", name="Activate the registration")).to_be_visible()
    expect(page.get_by_text(f"Activate the registration of {FACILITY}")).to_be_visible()
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("The registration is activated.")).to_be_visible()
    expect(page.get_by_role("heading", name=FACILITY, level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Awaiting the office's confirmation")).to_be_visible()
    expect(page.get_by_text("your role: Authorised representative")).to_be_visible()
    dashboard_url = page.url

    # 3. The office confirms, after a real login with the authenticator code.
    office = factories.make_staff(ProgrammeRoleName.OFFICE, mfa=False, name="Olga Office")
    secret = factories.enable_totp(office)
    office_page = new_page()
    log_in(office_page, office.email, factories.PASSWORD, totp_secret=secret)
    office_page.goto(f"/office/facilities/{facility.pk}/")
    expect(office_page.get_by_role("heading", name=FACILITY, level=1)).to_be_visible()
    office_page.get_by_role("button", name="Confirm and issue the enrolment invoice").click()
    expect(office_page.get_by_text("Registration confirmed; the enrolment invoice is issued.")).to_be_visible()
    invoice = Invoice.objects.get(facility=facility)
    assert invoice.status == "issued"
    assert invoice.currency == programme.fees.currency
    assert invoice.total == programme.fees.enrolment_fee + programme.fees.annual_fee
    expect(office_page.get_by_role("link", name=invoice.number, exact=True)).to_be_visible()
    expect(office_page.locator(".badge-status-awaiting_payment")).to_have_text("Awaiting payment")

    # 4. The representative downloads the enrolment invoice from the dashboard.
    page.goto(dashboard_url)
    expect(page.get_by_role("heading", name=f"Pay invoice {invoice.number}")).to_be_visible()
    shoot("facility-awaiting-payment")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"PDF {invoice.number}").click()
    download = download_info.value
    assert invoice.number in download.suggested_filename
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # 5. The office records the full payment on the office invoice page.
    office_page.get_by_role("link", name=invoice.number, exact=True).click()
    office_page.get_by_role("link", name="Open in the office").click()
    expect(office_page.get_by_role("heading", name="Record a payment")).to_be_visible()
    field(office_page, "Amount").fill(str(invoice.balance))
    field(office_page, "Reference").fill("BANK-2026-0042")
    office_page.get_by_role("button", name="Record payment").click()
    expect(office_page.get_by_text("The payment was recorded.")).to_be_visible()
    expect(office_page.get_by_role("cell", name="BANK-2026-0042")).to_be_visible()

    # 6. The facility is an Enrolled Centre: badge, seal and next step.
    page.reload()
    expect(page.locator(".facility-head .badge")).to_have_text("Enrolled Centre")
    expect(page.get_by_role("img", name="Seal: Enrolled Centre")).to_be_visible()
    next_step = page.get_by_role("region", name="Start your application")
    expect(next_step.get_by_role("link", name="Start an application")).to_be_visible()
    shoot("facility-enrolled")
    facility.refresh_from_db()
    assert facility.status == "enrolled"
    assert any(
        "rita@uzleuven.example" in m.to and m.subject.endswith(f"{FACILITY} is an Enrolled Centre") for m in mail.outbox
    )
    code = page.get_by_role("region", name="Facility code").locator(".facility-code").inner_text().strip()
    assert len(code.replace("-", "").replace(" ", "")) >= 10

    # 7. A colleague with a verified account asks to join with the code.
    colleague = factories.make_user("cora@uzleuven.example", name="Cora Colleague")
    colleague_page = new_page()
    log_in(colleague_page, colleague.email, factories.PASSWORD)
    colleague_page.goto("/facilities/join/")
    field(colleague_page, "Facility code").fill(code.lower())
    colleague_page.get_by_role("button", name="Ask to join").click()
    expect(colleague_page.get_by_text(f"Your request to join {FACILITY} is sent.")).to_be_visible()

    # 8. The representative approves the request as contributor.
    page.reload()
    request = page.locator("li.request").filter(has_text="cora@uzleuven.example")
    expect(request).to_have_count(1)
    field(request, "Role").select_option(label="Contributor")
    request.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("Cora Colleague joined as Contributor.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("Cora Colleague.*Contributor"))).to_be_visible()

    # 9. The colleague's dashboard lists the facility with the contributor role.
    colleague_page.goto("/dashboard/")
    card = colleague_page.locator(".card").filter(has=colleague_page.get_by_role("link", name=FACILITY))
    expect(card).to_contain_text("Contributor")
    expect(card).to_contain_text("Enrolled Centre")
    card.get_by_role("link", name=FACILITY).click()
    expect(colleague_page.get_by_text("your role: Contributor")).to_be_visible()
    expect(colleague_page.get_by_role("region", name="Facility code")).to_have_count(0)
