"""The demo data of `make run`, built through the same services the pages call.

Every object is looked up by a natural key before it is made, so a second run changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone

from iasios.accounts.models import User
from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.accounts.services import programme_role_grant
from iasios.applications.models import Cycle
from iasios.billing import services as billing
from iasios.billing.models import Invoice
from iasios.demo.appeals import appeal_members
from iasios.demo.awards import Panel, advance, assessor_profile
from iasios.demo.cycles import demo_cycle
from iasios.demo.recertification import recertifying_centres
from iasios.facilities import services as facilities
from iasios.facilities.models import Facility, FacilityStatus, JoinRequest
from iasios.standards.selectors import current_programme_settings

DEMO_PASSWORD = "demo-accreditation-2026"  # noqa: S105 - public by design, refused outside development


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    totp_secret: str = ""
    facility: str = ""


def demo_totp_secret(email: str) -> str:
    """A fixed, per-user base32 secret so the printed logins stay the same between runs."""
    digest = hashlib.sha256(f"demo-totp:{email}".encode()).digest()[:20]
    return base64.b32encode(digest).decode()


def demo_user(email: str, name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def demo_staff(email: str, name: str, role: str) -> tuple[User, DemoLogin]:
    user = demo_user(email, name)
    programme_role_grant(user=user, role=role)
    secret = demo_totp_secret(email)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)
    return user, DemoLogin(role=str(ProgrammeRoleName(role).label), email=email, totp_secret=secret)


@dataclass(frozen=True)
class DemoCentre:
    name: str
    institution: str
    city: str
    country: str
    latitude: str
    longitude: str
    slug: str
    state: str  # the facility state the demo brings it to


CENTRES = [
    DemoCentre(
        "Central University Hospital · Interventional Oncology",
        "Central University Hospital",
        "Leuven",
        "BE",
        "50.8798",
        "4.7005",
        "central",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Nordic Cancer Centre · IR Unit",
        "Nordic Cancer Centre",
        "Uppsala",
        "SE",
        "59.8586",
        "17.6389",
        "nordic",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Adriatic Oncology Centre",
        "Ospedale Adriatico",
        "Trieste",
        "IT",
        "45.6495",
        "13.7768",
        "adriatic",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Baltic Interventional Oncology Centre",
        "Riga East University Hospital",
        "Riga",
        "LV",
        "56.9496",
        "24.1052",
        "baltic",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Tagus Cancer Institute · Interventional Radiology",
        "Tagus Cancer Institute",
        "Toledo",
        "ES",
        "39.8628",
        "-4.0273",
        "tagus",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Rhine Valley Hospital · IO Unit",
        "Rhine Valley Hospital",
        "Basel",
        "CH",
        "47.5596",
        "7.5886",
        "rhine",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Danube Oncology Centre",
        "Danube University Clinic",
        "Budapest",
        "HU",
        "47.4979",
        "19.0402",
        "danube",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Helsinki University Hospital · Interventional Oncology",
        "Helsinki University Hospital",
        "Helsinki",
        "FI",
        "60.1699",
        "24.9384",
        "helsinki",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Aegean Medical Centre · IR Department",
        "Aegean Medical Centre",
        "Thessaloniki",
        "GR",
        "40.6401",
        "22.9444",
        "aegean",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Carpathian Cancer Hospital",
        "Carpathian Cancer Hospital",
        "Cluj-Napoca",
        "RO",
        "46.7712",
        "23.6236",
        "carpathian",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Celtic Oncology Institute",
        "Celtic Oncology Institute",
        "Cardiff",
        "GB",
        "51.4816",
        "-3.1791",
        "celtic",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Loire Interventional Oncology Centre",
        "Hôpital de la Loire",
        "Nantes",
        "FR",
        "47.2184",
        "-1.5536",
        "loire",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Vistula Cancer Centre · Interventional Oncology",
        "Vistula University Hospital",
        "Kraków",
        "PL",
        "50.0647",
        "19.9450",
        "vistula",
        FacilityStatus.ENROLLED,
    ),
    DemoCentre(
        "Clínica del Sol · Oncología Intervencionista",
        "Clínica del Sol",
        "Valencia",
        "ES",
        "39.4699",
        "-0.3763",
        "sol",
        FacilityStatus.LAPSED,
    ),
    DemoCentre(
        "Alpine Oncology Institute",
        "",
        "Innsbruck",
        "AT",
        "47.2692",
        "11.4041",
        "alpine",
        FacilityStatus.AWAITING_PAYMENT,
    ),
    DemoCentre(
        "Harbour City Hospital · IO Service",
        "Harbour City Hospital",
        "Cork",
        "IE",
        "51.8985",
        "-8.4756",
        "harbour",
        FacilityStatus.REGISTERED,
    ),
]
REPRESENTATIVES = {
    "central": "Rosa Peeters",
    "nordic": "Erik Lindqvist",
    "adriatic": "Giulia Bianchi",
    "sol": "Lucía Ortega",
    "baltic": "Ilze Ozola",
    "tagus": "Javier Moreno",
    "rhine": "Anna Keller",
    "danube": "Péter Nagy",
    "helsinki": "Aino Virtanen",
    "aegean": "Eleni Papadopoulou",
    "carpathian": "Andrei Popescu",
    "celtic": "Rhys Evans",
    "alpine": "Markus Huber",
    "harbour": "Aoife Byrne",
    "loire": "Camille Martin",
    "vistula": "Katarzyna Nowak",
}
# Where each demo application stands (DOMAIN.md §2 steps 4–6).
CYCLE_STAGES = {"central": "submitted", "adriatic": "reviewed", "nordic": "draft"}
# …and the ones past submission (DOMAIN.md §2 steps 7–10), each taken there through the services.
LATER_STAGES = {
    "celtic": "returned",
    "baltic": "in_assessment",
    "tagus": "with_committee",
    "danube": "amending",
    "rhine": "accredited",
    "aegean": "suspended",
    "carpathian": "expired",
    "helsinki": "excellence",
}
# The facility whose team shows every facility role in the printed logins.
TEAM = [
    ("contact", "Carlos Contact", FacilityRoleName.CONTACT_PERSON),
    ("contributor", "Chen Contributor", FacilityRoleName.CONTRIBUTOR),
    ("readonly", "Riya Reader", FacilityRoleName.READ_ONLY),
]


def _registration(centre: DemoCentre, rep: User) -> facilities.RegistrationInput:
    programme = current_programme_settings()
    codes = [code for code, _label in programme.procedure_categories]
    per = programme.volume_threshold // len(codes) + 12
    me = facilities.Person(name=rep.name, email=rep.email, phone="+32 16 00 00 00")
    return facilities.RegistrationInput(
        name=centre.name,
        institution=centre.institution,
        independent=not centre.institution,
        address="1 Hospital Road",
        city=centre.city,
        country=centre.country,
        website=f"https://{centre.slug}.hospital.example",
        volumes=dict.fromkeys(codes, per),
        approver_name="Prof. Dana Director",
        approver_role="Head of Radiology",
        approval_attested=True,
        representative=me,
        contact=me,
        listed_publicly=True,
        latitude=Decimal(centre.latitude),
        longitude=Decimal(centre.longitude),
    )


def _pay(invoice: Invoice, office: User, paid_on: date) -> None:
    billing.payment_record(
        invoice=invoice, amount=invoice.balance, paid_on=paid_on, reference=f"DEMO-{invoice.number}", actor=office
    )


def demo_centre(centre: DemoCentre, office: User) -> tuple[Facility, User]:
    """Register a centre through the services and bring it to its demo state."""
    rep_email = "rep@demo.example" if centre.slug == "central" else f"rep.{centre.slug}@demo.example"
    rep = demo_user(rep_email, REPRESENTATIVES[centre.slug])
    facility = Facility.objects.filter(name=centre.name).first()
    if facility is not None:
        return facility, rep
    registration = facilities.facility_register(data=_registration(centre, rep), user=rep)
    facility = facilities.facility_activate(token=facilities.activation_token(registration.facility, rep))
    if centre.state == FacilityStatus.REGISTERED:
        return facility, rep
    facility = billing.enrolment_confirm(facility=facility, actor=office)
    if centre.state == FacilityStatus.AWAITING_PAYMENT:
        return facility, rep
    today = timezone.localdate()
    enrolment = Invoice.objects.get(facility=facility, kind="enrolment")
    _pay(enrolment, office, today)
    if centre.state == FacilityStatus.LAPSED:
        # A membership that started long enough ago for its second year's fee to be unpaid past the
        # grace period: move the anniversary back (data only) and let the sweeps do the rest.
        programme = current_programme_settings()
        started = today - timedelta(days=365 + programme.invoice_due_days + programme.lapse_grace_days + 10)
        Facility.objects.filter(pk=facility.pk).update(enrolled_on=started)
        billing.billing_sweep(today=billing.add_years(started, 1))
        billing.billing_sweep(today=today)
    facility.refresh_from_db()
    return facility, rep


def demo_team(facility: Facility, rep: User) -> list[DemoLogin]:
    logins = []
    for slug, name, role in TEAM:
        user = demo_user(f"{slug}@demo.example", name)
        if not facility.memberships.filter(user=user).exists():
            request = JoinRequest.objects.filter(facility=facility, user=user).first()
            request = request or facilities.join_request_create(user=user, code=facility.code)
            facilities.join_request_approve(join_request=request, actor=rep, role=role)
        logins.append(DemoLogin(role=str(FacilityRoleName(role).label), email=user.email, facility=facility.name))
    return logins


# The programme's own invoicing details, fictitious: the IBAN's check digits are valid, its bank code is not.
DEMO_ISSUER = {
    "name": "IO Accreditation Programme Office (demo)",
    "address": "Avenue de la Démonstration 1\n1000 Brussels\nBelgium",
    "vat_number": "BE0999.999.999",
    "email": "billing@demo.example",
    "bank_name": "Demo Programme Bank",
    "iban": "BE90 9992 0260 0132",
    "bic": "DEMOBEBB",
    "payment_reference_prefix": "IOA",
}


def seed_all() -> list[DemoLogin]:
    office, office_login = demo_staff("office@demo.example", "Olivia Office", ProgrammeRoleName.OFFICE)
    billing.issuer_save(actor=office, **DEMO_ISSUER)
    logins = [office_login]
    staff = {}
    for email, name, role in [
        ("assessor@demo.example", "Anders Assessor", ProgrammeRoleName.ASSESSOR),
        ("assessor2@demo.example", "Beatriz Assessor", ProgrammeRoleName.ASSESSOR),
        ("committee@demo.example", "Chidi Committee", ProgrammeRoleName.COMMITTEE),
        ("committee2@demo.example", "Dana Committee", ProgrammeRoleName.COMMITTEE),
        ("committee3@demo.example", "Emeka Committee", ProgrammeRoleName.COMMITTEE),
        ("admin@demo.example", "Ada Administrator", ProgrammeRoleName.ADMINISTRATOR),
    ]:
        staff[email], login = demo_staff(email, name, role)
        logins.append(login)
    assessor_profile(staff["assessor@demo.example"], office, "NL", "Amsterdam Medical Centre", "Dutch, English")
    assessor_profile(staff["assessor2@demo.example"], office, "PT", "Hospital de Santa Maria", "Portuguese, English")
    logins += appeal_members(office, demo_staff)
    panel = Panel(
        office=office,
        assessors=(staff["assessor@demo.example"], staff["assessor2@demo.example"]),
        committee=tuple(staff[f"committee{n}@demo.example"] for n in ("", "2", "3")),
    )
    made = {}
    for centre in CENTRES:
        facility, rep = demo_centre(centre, office)
        made[centre.slug] = (facility, rep)
        label = str(FacilityRoleName.AUTHORISED_REPRESENTATIVE.label)
        logins.append(
            DemoLogin(role=label, email=rep.email, facility=f"{facility.name} ({facility.get_status_display()})")
        )
        if centre.slug == "central":
            logins += demo_team(facility, rep)
        if centre.slug in CYCLE_STAGES:
            editor = User.objects.get(email="contributor@demo.example") if centre.slug == "central" else rep
            demo_cycle(
                facility, editor=editor, representative=rep, stage=CYCLE_STAGES[centre.slug], password=DEMO_PASSWORD
            )
        if centre.slug in LATER_STAGES and not Cycle.objects.filter(facility=facility).exists():
            cycle = demo_cycle(facility, editor=rep, representative=rep, stage="submitted", password=DEMO_PASSWORD)
            advance(cycle, LATER_STAGES[centre.slug], panel, rep, DEMO_PASSWORD)
    # One centre inside its re-certification window, one re-certifying for Centre of Excellence.
    recertifying_centres(made, panel, DEMO_PASSWORD)
    return logins


def demo_summary() -> dict[str, Any]:
    """Counts printed after seeding, so a newcomer sees what is there."""
    return {
        str(label): Facility.objects.filter(status=value).count()
        for value, label in FacilityStatus.choices
        if Facility.objects.filter(status=value).exists()
    }
