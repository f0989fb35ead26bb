"""Facility pages: who gets what, registration through the form, activation, query counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from iasios.accounts.roles import FacilityRoleName
from iasios.facilities.models import Facility, FacilityStatus, JoinRequest, Membership
from iasios.facilities.services import join_request_create
from iasios.standards.selectors import current_programme_settings
from tests import factories
from tests.conftest import ROLES
from tests.facilities.conftest import set_status

pytestmark = pytest.mark.usefixtures("framework")

# --- access table: every page, every role --------------------------------------------------

DASHBOARD = {
    "representative": 200,
    "contact": 200,
    "contributor": 200,
    "read_only": 200,
    "outsider": 404,
    "office": 200,
    "assessor": 404,
    "committee": 404,
    "administrator": 200,
    "anonymous": 302,
}
OFFICE_PAGES = {
    **dict.fromkeys(["representative", "contact", "contributor", "read_only", "outsider"], 403),
    "office": 200,
    "assessor": 403,
    "committee": 403,
    "administrator": 200,
    "anonymous": 302,
}
REGISTER = {
    **dict.fromkeys(["representative", "contact", "contributor", "read_only", "outsider", "anonymous"], 200),
    **dict.fromkeys(["office", "assessor", "committee", "administrator"], 403),
}
JOIN = {**REGISTER, "anonymous": 302}


@pytest.mark.parametrize("who", ROLES)
def test_dashboard_access(cast: Any, who: str) -> None:
    response = cast.client_for(who).get(reverse("facilities:dashboard", args=[cast.facility.pk]))
    assert response.status_code == DASHBOARD[who]


@pytest.mark.parametrize("who", ROLES)
def test_register_and_join_page_access(cast: Any, who: str) -> None:
    client = cast.client_for(who)
    assert client.get(reverse("facilities:register")).status_code == REGISTER[who]
    assert client.get(reverse("facilities:join")).status_code == JOIN[who]


@pytest.mark.parametrize("who", ROLES)
def test_office_pages_access(cast: Any, who: str) -> None:
    client = cast.client_for(who)
    assert client.get(reverse("office_facilities:list")).status_code == OFFICE_PAGES[who]
    assert client.get(reverse("office_facilities:detail", args=[cast.facility.pk])).status_code == OFFICE_PAGES[who]


# POST actions: 302 back to the page when allowed; 403 seen-but-not-allowed; 404 not seen.
CODE_REGENERATE = {
    "representative": 302,
    "contact": 302,
    "contributor": 403,
    "read_only": 403,
    "outsider": 404,
    "office": 403,
    "assessor": 404,
    "committee": 404,
    "administrator": 403,
    "anonymous": 302,
}
MANAGE = {**CODE_REGENERATE, "office": 302, "administrator": 302}
HANDOVER = {**MANAGE, "contact": 403}


@pytest.mark.parametrize("who", ROLES)
def test_code_regenerate_access(cast: Any, who: str) -> None:
    old = cast.facility.code
    response = cast.client_for(who).post(reverse("facilities:code_regenerate", args=[cast.facility.pk]))
    assert response.status_code == CODE_REGENERATE[who]
    changed = Facility.objects.get(pk=cast.facility.pk).code != old
    assert changed == (who in {"representative", "contact"})


@pytest.mark.parametrize("who", ROLES)
def test_approve_and_decline_access(cast: Any, who: str) -> None:
    jr = join_request_create(user=factories.make_user(), code=cast.facility.code)
    client = cast.client_for(who)
    url = reverse("facilities:request_approve", args=[cast.facility.pk, jr.pk])
    response = client.post(url, {"role": FacilityRoleName.READ_ONLY})
    assert response.status_code == MANAGE[who]
    jr.refresh_from_db()
    assert (jr.status == "approved") == (MANAGE[who] == 302 and who != "anonymous")
    jr2 = join_request_create(user=factories.make_user(), code=cast.facility.code)
    response = client.post(reverse("facilities:request_decline", args=[cast.facility.pk, jr2.pk]), {"reason": "no"})
    assert response.status_code == MANAGE[who]


@pytest.mark.parametrize("who", ROLES)
def test_member_remove_access(cast: Any, who: str) -> None:
    membership = Membership.objects.get(user=cast.read_only)
    response = cast.client_for(who).post(reverse("facilities:member_remove", args=[cast.facility.pk, membership.pk]))
    assert response.status_code == MANAGE[who]
    removed = not Membership.objects.filter(pk=membership.pk).exists()
    assert removed == (MANAGE[who] == 302 and who != "anonymous")


@pytest.mark.parametrize("who", ROLES)
def test_handover_access(cast: Any, who: str) -> None:
    target = Membership.objects.get(user=cast.contributor)
    response = cast.client_for(who).post(
        reverse("facilities:handover", args=[cast.facility.pk]),
        {"member": str(target.pk), "previous_holder_role": FacilityRoleName.CONTACT_PERSON},
    )
    assert response.status_code == HANDOVER[who]
    target.refresh_from_db()
    handed = target.role == FacilityRoleName.AUTHORISED_REPRESENTATIVE
    assert handed == (HANDOVER[who] == 302 and who != "anonymous")


@pytest.mark.parametrize("who", ROLES)
def test_office_confirm_and_reject_access(cast: Any, who: str, fake_invoice: list[Any]) -> None:
    client = cast.client_for(who)
    response = client.post(reverse("office_facilities:reject", args=[cast.facility.pk]), {"reason": ""})
    expected = {200: 400}.get(OFFICE_PAGES[who], OFFICE_PAGES[who])  # empty reason: form shown again
    assert response.status_code == expected
    response = client.post(reverse("office_facilities:confirm", args=[cast.facility.pk]), {"sponsor": ""})
    assert response.status_code == {200: 302}.get(OFFICE_PAGES[who], OFFICE_PAGES[who])
    confirmed = Facility.objects.get(pk=cast.facility.pk).status == FacilityStatus.AWAITING_PAYMENT
    assert confirmed == (who in {"office", "administrator"})


# --- what each role sees on the dashboard ----------------------------------------------------


def test_code_and_invoices_only_for_managers(cast: Any) -> None:
    formatted = cast.facility.formatted_code
    rep = cast.client_for("representative").get(reverse("facilities:dashboard", args=[cast.facility.pk]))
    contributor = cast.client_for("contributor").get(reverse("facilities:dashboard", args=[cast.facility.pk]))
    assert formatted in rep.content.decode()
    assert formatted not in contributor.content.decode()
    assert 'id="invoices-title"' in rep.content.decode()
    assert 'id="invoices-title"' not in contributor.content.decode()


def test_seal_only_when_enrolled_and_lapsed_is_read_only(cast: Any) -> None:
    client = cast.client_for("contributor")
    url = reverse("facilities:dashboard", args=[cast.facility.pk])
    assert 'class="seal"' not in client.get(url).content.decode()
    set_status(cast.facility, FacilityStatus.ENROLLED)
    assert 'class="seal"' in client.get(url).content.decode()
    set_status(cast.facility, FacilityStatus.LAPSED)
    page = client.get(url).content.decode()
    assert 'class="seal"' not in page
    assert "read-only" in page


# --- registration through the form ----------------------------------------------------------


def form_data(total: int, **overrides: str) -> dict[str, str]:
    programme = current_programme_settings()
    codes = [code for code, _label in programme.procedure_categories]
    data = {
        "account_name": "Nina New",
        "email": "nina@example.org",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        "name": "IO Unit",
        "institution": "General Hospital",
        "address": "2 Main Street",
        "city": "Porto",
        "country": "PT",
        "website": "https://general.example",
        "approver_name": "Dr Director",
        "approver_role": "Hospital director",
        "approval_attested": "on",
        "representative_is_me": "on",
        "representative_phone": "+351 1",
        "contact_name": "Carla Contact",
        "contact_email": "carla@example.org",
        "contact_phone": "+351 2",
        "listed_publicly": "on",
    }
    data[f"volume_{codes[0]}"] = str(total)
    data.update(overrides)
    return data


def test_registration_under_threshold_keeps_everything_typed(db: Any) -> None:
    threshold = current_programme_settings().volume_threshold
    response = Client().post(reverse("facilities:register"), form_data(threshold - 20))
    assert response.status_code == 400
    page = response.content.decode()
    assert f"at least {threshold}" in page
    assert f"add up to {threshold - 20}" in page
    for typed in ("Nina New", "nina@example.org", "General Hospital", "Carla Contact", "Dr Director", "+351 2"):
        assert typed in page
    assert not Facility.objects.exists()


def test_registration_without_attestation_is_refused_with_field_error(db: Any) -> None:
    threshold = current_programme_settings().volume_threshold
    data = form_data(threshold)
    del data["approval_attested"]
    response = Client().post(reverse("facilities:register"), data)
    assert response.status_code == 400
    assert "Confirm the approval" in response.content.decode()


def test_full_registration_and_activation_through_pages(db: Any, django_capture_on_commit_callbacks: Any) -> None:
    threshold = current_programme_settings().volume_threshold
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("facilities:register"), form_data(threshold))
    assert response.status_code == 302
    facility = Facility.objects.get()
    assert facility.status == FacilityStatus.PENDING_ACTIVATION
    assert facility.representative_email == "nina@example.org"
    [message] = [m for m in mail.outbox if "nina@example.org" in m.to]
    link = re.search(r"https?://\S+/facilities/activate/\S+/", message.body)
    assert link
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    assert client.get("/" + path).status_code == 200  # GET changes nothing
    assert Facility.objects.get().status == FacilityStatus.PENDING_ACTIVATION
    response = client.post("/" + path)
    assert response.status_code == 302
    facility.refresh_from_db()
    assert facility.status == FacilityStatus.REGISTERED
    page = client.get(response["Location"]).content.decode()
    assert facility.formatted_code in page
    assert Membership.objects.get(facility=facility).role == FacilityRoleName.AUTHORISED_REPRESENTATIVE


def test_tampered_activation_link_page(db: Any) -> None:
    response = Client().get(reverse("facilities:activate", args=["not-a-token"]))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_duplicate_warning_is_shown_to_the_registrant(cast: Any) -> None:
    threshold = current_programme_settings().volume_threshold
    data = form_data(threshold, institution=cast.facility.institution.upper(), city=cast.facility.city.lower())
    client = Client()
    response = client.post(reverse("facilities:register"), data, follow=True)
    assert cast.facility.name in response.content.decode()
    office = cast.client_for("office").get(reverse("office_facilities:list"))
    assert "Possible duplicate" in office.content.decode()


def test_join_page_shows_refusal_next_to_the_field(cast: Any) -> None:
    set_status(cast.facility, FacilityStatus.LAPSED)
    client = Client()
    client.force_login(factories.make_user())
    response = client.post(reverse("facilities:join"), {"code": cast.facility.formatted_code})
    assert response.status_code == 400
    assert "lapsed" in response.content.decode()
    assert cast.facility.formatted_code in response.content.decode()
    assert not JoinRequest.objects.exists()


# --- query counts ---------------------------------------------------------------------------


def grow(facility: Facility, n: int) -> None:
    for _i in range(n):
        factories.make_member(facility, FacilityRoleName.CONTRIBUTOR)
        join_request_create(user=factories.make_user(), code=facility.code)


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_dashboard_query_count_does_not_grow(cast: Any) -> None:
    client = cast.client_for("representative")
    url = reverse("facilities:dashboard", args=[cast.facility.pk])
    grow(cast.facility, 2)
    small = count_queries(client, url)
    grow(cast.facility, 8)
    assert count_queries(client, url) == small


def test_office_list_query_count_does_not_grow(cast: Any) -> None:
    client = cast.client_for("office")
    url = reverse("office_facilities:list")
    for _i in range(3):
        grow(factories.make_facility(), 1)
    small = count_queries(client, url)
    for _i in range(12):
        grow(factories.make_facility(), 2)
    assert count_queries(client, url) == small
    assert count_queries(client, url + "?overdue=1&status=registered&q=unit&country=FR") > 0


def test_office_list_filters_and_search(cast: Any) -> None:
    client = cast.client_for("office")
    set_status(cast.other_facility, FacilityStatus.ENROLLED)
    page = client.get(reverse("office_facilities:list"), {"status": "enrolled"}).content.decode()
    assert cast.other_facility.name in page and cast.facility.name not in page
    page = client.get(reverse("office_facilities:list"), {"country": "DE"}).content.decode()
    assert cast.other_facility.name in page and cast.facility.name not in page
    page = client.get(reverse("office_facilities:list"), {"q": "berlin"}).content.decode()
    assert cast.other_facility.name in page and cast.facility.name not in page
