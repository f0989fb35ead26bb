"""The office's people pages: who may grant and revoke programme roles, the events, the MFA rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from iasios.accounts.models import ProgrammeRole
from iasios.accounts.roles import ProgrammeRoleName
from iasios.core.models import Event
from tests import factories

LIST = "/office/people/"


def person_url(user: Any, action: str = "") -> str:
    return f"/office/people/{user.pk}/" + (f"{action}/" if action else "")


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["office", "administrator"])
def test_the_office_and_administrators_open_the_people_pages(cast: Any, who: str) -> None:
    client = logged_in(getattr(cast, who))
    assert client.get(LIST).status_code == 200
    assert client.get(person_url(cast.committee)).status_code == 200


@pytest.mark.parametrize("who", ["assessor", "committee", "representative", "outsider"])
def test_nobody_else_opens_them_or_grants(cast: Any, who: str) -> None:
    client = logged_in(getattr(cast, who))
    newcomer = factories.make_user("newcomer@example.org")
    assert client.get(LIST).status_code == 403
    assert client.get(person_url(newcomer)).status_code == 403
    assert client.post(person_url(newcomer, "grant"), {"role": "committee"}).status_code == 403
    assert not ProgrammeRole.objects.filter(user=newcomer).exists()


def test_anonymous_visitors_are_sent_to_log_in(db: Any) -> None:
    response = Client().get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_search_finds_people_by_e_mail(cast: Any) -> None:
    factories.make_user("dr.jansen@hospital.example", name="Dr Jansen")
    page = logged_in(cast.office).get(LIST, {"q": "JANSEN@hosp"}).content.decode()
    assert "dr.jansen@hospital.example" in page
    assert cast.committee.email not in page
    # Without a search: the programme staff, with their roles.
    page = logged_in(cast.office).get(LIST).content.decode()
    assert cast.committee.email in page and "Committee member" in page
    assert cast.representative.email not in page


def test_the_office_grants_and_revokes_a_role_and_each_change_is_an_event(cast: Any) -> None:
    person = factories.make_user("dana@example.org")
    factories.enable_totp(person)
    client = logged_in(cast.office)
    response = client.post(person_url(person, "grant"), {"role": ProgrammeRoleName.APPEALS}, follow=True)
    assert ProgrammeRole.objects.filter(user=person, role=ProgrammeRoleName.APPEALS).exists()
    assert "is now Committee member for appeals only" in response.content.decode()
    granted = Event.objects.for_object(person).get(action="programme_role_granted")
    assert (granted.actor, granted.data) == (cast.office, {"role": "appeals"})
    client.post(person_url(person, "revoke"), {"role": ProgrammeRoleName.APPEALS})
    assert not ProgrammeRole.objects.filter(user=person).exists()
    revoked = Event.objects.for_object(person).get(action="programme_role_revoked")
    assert revoked.actor == cast.office
    history = client.get(person_url(person)).content.decode()
    assert "Programme role granted" in history and "Programme role revoked" in history
    timeline = history.split("timeline-title")[-1]
    assert timeline.count("Committee member for appeals only") == 2  # the role, on each line of the history


def test_only_an_administrator_grants_the_administrator_role(cast: Any) -> None:
    person = factories.make_user("ada@example.org")
    assert logged_in(cast.office).post(person_url(person, "grant"), {"role": "administrator"}).status_code == 403
    assert (
        "Administrator" not in logged_in(cast.office).get(person_url(person)).content.decode().split("grant-role")[-1]
    )
    logged_in(cast.administrator).post(person_url(person, "grant"), {"role": "administrator"})
    assert ProgrammeRole.objects.filter(user=person, role="administrator").exists()
    assert logged_in(cast.office).post(person_url(person, "revoke"), {"role": "administrator"}).status_code == 403
    assert ProgrammeRole.objects.filter(user=person, role="administrator").exists()


def test_a_facility_member_is_refused_with_the_reason(cast: Any) -> None:
    response = logged_in(cast.office).post(person_url(cast.contributor, "grant"), {"role": "committee"}, follow=True)
    assert "Members of a facility cannot hold a programme role." in response.content.decode()
    assert not ProgrammeRole.objects.filter(user=cast.contributor).exists()


def test_nobody_removes_their_own_office_role(cast: Any) -> None:
    response = logged_in(cast.office).post(person_url(cast.office, "revoke"), {"role": "office"}, follow=True)
    assert "You cannot remove your own role" in response.content.decode()
    assert ProgrammeRole.objects.filter(user=cast.office, role="office").exists()


def test_the_buttons_post_with_csrf(cast: Any) -> None:
    person = factories.make_user("csrf@example.org")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.office)
    assert client.post(person_url(person, "grant"), {"role": "committee"}).status_code == 403
    assert not ProgrammeRole.objects.filter(user=person).exists()
    page = client.get(person_url(person)).content.decode()
    assert page.count("csrfmiddlewaretoken") >= 1


def test_a_granted_role_works_only_once_the_person_has_mfa(cast: Any) -> None:
    person = factories.make_user("newmember@example.org")
    logged_in(cast.office).post(person_url(person, "grant"), {"role": "committee"})
    page = logged_in(cast.office).get(person_url(person)).content.decode()
    assert "No two-factor authentication yet — the role works once it is set up." in page
    client = logged_in(person)
    response = client.get("/committee/")
    assert response.status_code == 302 and "/accounts/2fa/totp/activate" in response["Location"]
    factories.enable_totp(person)
    assert client.get("/committee/").status_code == 200


def test_the_people_list_needs_the_same_queries_at_two_sizes(cast: Any) -> None:
    client = logged_in(cast.office)
    client.get(LIST)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(6):
        factories.make_staff(ProgrammeRoleName.ASSESSOR, mfa=n % 2 == 0)
    assert count() == few
