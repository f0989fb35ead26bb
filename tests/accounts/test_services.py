"""Programme roles: who may hold them, and admin access kept in step."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from iasios.accounts.models import ProgrammeRole, User
from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.accounts.services import OFFICE_GROUP, RoleConflict, programme_role_grant, programme_role_revoke
from iasios.core.models import Event
from tests import factories


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


class TestProgrammeRoleGrant:
    def test_it_refuses_members_of_a_facility(self, db: Any) -> None:
        facility = factories.make_facility()
        member = factories.make_member(facility, FacilityRoleName.CONTRIBUTOR)
        with pytest.raises(RoleConflict):
            programme_role_grant(user=member, role=ProgrammeRoleName.ASSESSOR)
        assert not ProgrammeRole.objects.filter(user=member).exists()
        assert not _fresh(member).is_staff

    def test_it_refuses_unknown_roles(self, db: Any) -> None:
        with pytest.raises(ValueError):
            programme_role_grant(user=factories.make_user(), role="janitor")

    def test_office_gets_the_admin_site_and_the_office_group(self, db: Any) -> None:
        user = factories.make_user()
        programme_role_grant(user=user, role=ProgrammeRoleName.OFFICE)
        user = _fresh(user)
        assert user.is_staff and not user.is_superuser
        assert user.groups.filter(name=OFFICE_GROUP).exists()
        assert user.has_programme_role(ProgrammeRoleName.OFFICE)

    def test_assessor_and_committee_get_no_admin_site(self, db: Any) -> None:
        user = factories.make_user()
        programme_role_grant(user=user, role=ProgrammeRoleName.ASSESSOR)
        programme_role_grant(user=user, role=ProgrammeRoleName.COMMITTEE)
        user = _fresh(user)
        assert not user.is_staff and not user.is_superuser
        assert user.is_programme_staff

    def test_administrator_is_superuser_until_revoked(self, db: Any) -> None:
        user = factories.make_user()
        programme_role_grant(user=user, role=ProgrammeRoleName.ADMINISTRATOR)
        assert _fresh(user).is_superuser and _fresh(user).is_staff
        programme_role_revoke(user=user, role=ProgrammeRoleName.ADMINISTRATOR)
        user = _fresh(user)
        assert not user.is_superuser and not user.is_staff and not user.is_programme_staff

    def test_revoking_office_removes_the_group_and_admin_access(self, db: Any) -> None:
        user = factories.make_user()
        programme_role_grant(user=user, role=ProgrammeRoleName.OFFICE)
        programme_role_revoke(user=user, role=ProgrammeRoleName.OFFICE)
        user = _fresh(user)
        assert not user.is_staff
        assert not user.groups.filter(name=OFFICE_GROUP).exists()
        assert Group.objects.filter(name=OFFICE_GROUP).exists()

    def test_grant_and_revoke_write_events_once(self, db: Any) -> None:
        user = factories.make_user()
        programme_role_grant(user=user, role=ProgrammeRoleName.ASSESSOR)
        programme_role_grant(user=user, role=ProgrammeRoleName.ASSESSOR)
        programme_role_revoke(user=user, role=ProgrammeRoleName.ASSESSOR)
        actions = list(Event.objects.for_object(user).values_list("action", flat=True))
        assert sorted(actions) == ["programme_role_granted", "programme_role_revoked"]


class TestProgrammeRoleCommand:
    def test_it_grants_and_revokes(self, db: Any, capsys: Any) -> None:
        user = factories.make_user("olga@example.org")
        call_command("programme_role", "grant", "Olga@Example.org", "office")
        assert _fresh(user).has_programme_role(ProgrammeRoleName.OFFICE)
        assert _fresh(user).is_staff
        out = capsys.readouterr().out
        assert "two-factor" in out
        call_command("programme_role", "revoke", "olga@example.org", "office")
        assert not _fresh(user).is_programme_staff
        assert not _fresh(user).is_staff

    def test_it_refuses_facility_members(self, db: Any) -> None:
        member = factories.make_member(factories.make_facility(), FacilityRoleName.READ_ONLY)
        with pytest.raises(CommandError, match="facility"):
            call_command("programme_role", "grant", member.email, "assessor")

    def test_it_refuses_unknown_people_and_roles(self, db: Any) -> None:
        with pytest.raises(CommandError, match="No account"):
            call_command("programme_role", "grant", "nobody@example.org", "assessor")
        factories.make_user("someone@example.org")
        with pytest.raises(CommandError):
            call_command("programme_role", "grant", "someone@example.org", "janitor")
