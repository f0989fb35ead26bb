"""The office sees who holds a programme role without a second factor yet."""

from __future__ import annotations

import io
from typing import Any

from django.core.management import call_command
from django.test import Client

from iasios.accounts.roles import ProgrammeRoleName
from tests import factories

WARNING = "No two-factor authentication yet — the role works once it is set up."


def test_granting_a_role_to_someone_without_mfa_says_so(db: Any) -> None:
    user = factories.make_user("newcomer@example.org")
    out = io.StringIO()
    call_command("programme_role", "grant", user.email, ProgrammeRoleName.ASSESSOR, stdout=out)
    assert WARNING in out.getvalue()


def test_granting_a_role_to_someone_with_mfa_gives_no_warning(db: Any) -> None:
    user = factories.make_user("ready@example.org")
    factories.enable_totp(user)
    out = io.StringIO()
    call_command("programme_role", "grant", user.email, ProgrammeRoleName.ASSESSOR, stdout=out)
    assert "two-factor" not in out.getvalue()


def test_the_admin_list_of_people_shows_staff_without_mfa(client: Client, db: Any) -> None:
    client.force_login(factories.make_staff(ProgrammeRoleName.ADMINISTRATOR, name="Ada Admin"))
    factories.make_staff(ProgrammeRoleName.COMMITTEE, mfa=False, name="Nina Nofactor")
    factories.make_member(factories.make_facility(), name="Fay Facility")
    page = client.get("/admin/accounts/user/").content.decode()
    rows = {line for line in page.split("</tr>") if "Nina Nofactor" in line or "Fay Facility" in line}
    nina = next(r for r in rows if "Nina Nofactor" in r)
    fay = next(r for r in rows if "Fay Facility" in r)
    assert WARNING in nina and "Committee member" in nina
    assert WARNING not in fay
    assert page.count(WARNING) == 1
