"""Programme staff reach staff pages only with two-factor authentication on."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from iasios.accounts.roles import ProgrammeRoleName
from tests import factories
from tests.totp import totp_code

STAFF_HOMES = {
    ProgrammeRoleName.OFFICE: "/office/",
    ProgrammeRoleName.ASSESSOR: "/assessor/",
    ProgrammeRoleName.COMMITTEE: "/committee/",
    ProgrammeRoleName.ADMINISTRATOR: "/admin/",
}


@pytest.mark.parametrize("role", list(STAFF_HOMES))
@pytest.mark.parametrize("path", ["/office/", "/assessor/", "/committee/", "/admin/", "/admin/accounts/user/"])
def test_staff_without_mfa_are_sent_to_totp_setup_from_every_staff_page(
    client: Client, db: Any, role: str, path: str
) -> None:
    client.force_login(factories.make_staff(role, mfa=False))
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("two-factor authentication" in text for text in texts)


@pytest.mark.parametrize("role", list(STAFF_HOMES))
def test_staff_with_mfa_reach_their_home_page(client: Client, db: Any, role: str) -> None:
    client.force_login(factories.make_staff(role))
    assert client.get(STAFF_HOMES[role]).status_code == 200


def test_superuser_without_a_role_also_needs_mfa(client: Client, db: Any) -> None:
    user = factories.make_user(is_superuser=True, is_staff=True)
    client.force_login(user)
    assert client.get("/admin/")["Location"] == reverse("mfa_activate_totp")
    factories.enable_totp(user)
    assert client.get("/admin/").status_code == 200


def test_staff_without_mfa_reach_the_set_up_and_public_pages_only(client: Client, db: Any) -> None:
    # The rule follows the person: the dashboard and the profile wait for the second factor too.
    client.force_login(factories.make_staff(ProgrammeRoleName.OFFICE, mfa=False))
    assert client.get(reverse("dashboard"))["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("profile"))["Location"] == reverse("mfa_activate_totp")
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("standards:browse")).status_code == 200


def test_htmx_requests_of_staff_without_mfa_are_sent_to_the_set_up(client: Client, db: Any) -> None:
    client.force_login(factories.make_staff(ProgrammeRoleName.OFFICE, mfa=False))
    response = client.get(reverse("notifications:inbox"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")
    assert not response.content


def test_people_without_a_programme_role_need_no_mfa(client: Client, db: Any) -> None:
    client.force_login(factories.make_member(factories.make_facility()))
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("profile")).status_code == 200


class TestStaffKeepTheirLastAuthenticator:
    def _log_in(self, client: Client, user: Any, secret: str) -> None:
        client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
        assert client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).status_code == 302
        # Turning the app off asks for the password again.
        client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})

    def test_staff_cannot_deactivate_their_only_authenticator_app(self, client: Client, db: Any) -> None:
        from allauth.mfa.models import Authenticator

        staff = factories.make_staff(ProgrammeRoleName.COMMITTEE, mfa=False)
        secret = factories.enable_totp(staff)
        self._log_in(client, staff, secret)
        response = client.post(reverse("mfa_deactivate_totp"))
        assert response.status_code == 200
        assert "last authenticator cannot be removed" in response.content.decode()
        assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
        assert client.get("/committee/").status_code == 200

    def test_people_without_a_programme_role_may_turn_it_off(self, client: Client, db: Any) -> None:
        from allauth.mfa.models import Authenticator

        member = factories.make_member(factories.make_facility())
        secret = factories.enable_totp(member)
        self._log_in(client, member, secret)
        response = client.post(reverse("mfa_deactivate_totp"))
        assert response.status_code == 302
        assert not Authenticator.objects.filter(user=member, type=Authenticator.Type.TOTP).exists()

    def test_the_adapter_lets_staff_remove_recovery_codes_but_not_the_second_factor(self, db: Any) -> None:
        from allauth.mfa.adapter import get_adapter
        from allauth.mfa.models import Authenticator
        from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

        staff = factories.make_staff(ProgrammeRoleName.OFFICE)
        totp = Authenticator.objects.get(user=staff, type=Authenticator.Type.TOTP)
        codes = RecoveryCodes.activate(staff).instance
        adapter = get_adapter()
        assert not adapter.can_delete_authenticator(totp)
        assert adapter.can_delete_authenticator(codes)


def test_facility_staff_are_not_asked_for_mfa_and_get_403_on_staff_pages(client: Client, db: Any) -> None:
    member = factories.make_member(factories.make_facility())
    client.force_login(member)
    assert client.get("/office/").status_code == 403
    assert client.get("/admin/").status_code == 302  # to the admin login stand-in …
    assert client.get("/admin/login/?next=/admin/").status_code == 403  # … which refuses them


def test_staff_sets_up_totp_then_reaches_the_office(client: Client, db: Any) -> None:
    staff = factories.make_staff(ProgrammeRoleName.OFFICE, mfa=False)
    client.post(reverse("account_login"), {"login": staff.email, "password": factories.PASSWORD})
    assert client.get("/office/")["Location"] == reverse("mfa_activate_totp")
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    bad = client.post(reverse("mfa_activate_totp"), {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert bad.status_code == 200
    assert client.get("/office/").status_code == 302
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    # Recovery codes come with the authenticator app and are shown straight away.
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(response["Location"])
    assert len(codes.context["unused_codes"]) >= 10
    assert client.get("/office/").status_code == 200


def test_login_with_mfa_asks_for_a_code_before_the_session_is_usable(client: Client, db: Any, settings: Any) -> None:
    staff = factories.make_staff(ProgrammeRoleName.OFFICE, mfa=False)
    secret = factories.enable_totp(staff)
    response = client.post(reverse("account_login"), {"login": staff.email, "password": factories.PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get("/office/").status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "12345x"})
    assert wrong.status_code == 200
    assert "_auth_user_id" not in client.session
    ok = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert ok.status_code == 302
    assert client.get("/office/").status_code == 200


def test_a_recovery_code_passes_the_code_step_once(client: Client, db: Any) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = factories.make_user()
    factories.enable_totp(user)
    code = RecoveryCodes.activate(user).get_unused_codes()[0]
    client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": user.email, "password": factories.PASSWORD})
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 200
    assert "_auth_user_id" not in client.session


class TestAdminLoginCannotSkipTheSecondFactor:
    def test_anonymous_visitors_are_sent_to_the_account_login(self, client: Client, db: Any) -> None:
        response = client.get("/admin/", follow=False)
        assert response.status_code == 302
        login = client.get(response["Location"])
        assert login.status_code == 302
        assert login["Location"].startswith(reverse("account_login"))
        assert "next=/admin/" in login["Location"]

    def test_the_admin_login_form_accepts_no_password(self, client: Client, db: Any) -> None:
        admin = factories.make_staff(ProgrammeRoleName.ADMINISTRATOR)
        response = client.post("/admin/login/", {"username": admin.email, "password": factories.PASSWORD})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in client.session

    def test_a_logged_in_non_admin_cannot_log_in_as_an_admin_there(self, client: Client, db: Any) -> None:
        admin = factories.make_staff(ProgrammeRoleName.ADMINISTRATOR)
        assessor = factories.make_staff(ProgrammeRoleName.ASSESSOR)
        client.force_login(assessor)
        response = client.post("/admin/login/", {"username": admin.email, "password": factories.PASSWORD})
        assert response.status_code == 403
        assert client.session["_auth_user_id"] == str(assessor.pk)

    def test_admins_are_sent_on_to_a_safe_next_page(self, client: Client, db: Any) -> None:
        client.force_login(factories.make_staff(ProgrammeRoleName.OFFICE))
        assert client.get("/admin/login/?next=/admin/accounts/user/")["Location"] == "/admin/accounts/user/"
        assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/admin/"
