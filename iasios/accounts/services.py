"""Writes about people and programme roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _

from iasios.accounts.access import roles_grantable_by
from iasios.accounts.models import ProgrammeRole, User
from iasios.accounts.roles import ProgrammeRoleName
from iasios.core.events import record_event
from iasios.core.refusals import Conflict, NotPermitted

# The Django admin is the office's tool for reference data; these apps are what it edits there.
OFFICE_ADMIN_APPS = ("standards", "facilities")
OFFICE_GROUP = "Programme office"


class RoleConflict(Conflict):
    """Programme staff and facility staff never share a person."""


def _office_group() -> Group:
    group, created = Group.objects.get_or_create(name=OFFICE_GROUP)
    if created:
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=OFFICE_ADMIN_APPS))
    return group


def _sync_admin_access(user: User) -> None:
    roles = set(user.programme_role_set.values_list("role", flat=True))
    is_superuser = ProgrammeRoleName.ADMINISTRATOR in roles
    is_staff = is_superuser or ProgrammeRoleName.OFFICE in roles
    if (user.is_superuser, user.is_staff) != (is_superuser, is_staff):
        # Saved only on a real change, so the user's history shows real edits only.
        user.is_superuser, user.is_staff = is_superuser, is_staff
        user.save(update_fields=["is_superuser", "is_staff"])
    if ProgrammeRoleName.OFFICE in roles:
        user.groups.add(_office_group())
    else:
        user.groups.remove(*Group.objects.filter(name=OFFICE_GROUP))
    user.__dict__.pop("programme_roles", None)


# The roles that open the people pages: nobody takes their own away (someone must keep them).
_MANAGING_ROLES = frozenset({ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR})


def _role_label(role: str) -> str:
    """The role's name on the person's timeline (the event's data keeps the code)."""
    return str(ProgrammeRoleName(role).label)


def _require_grantor(actor: Any, role: str) -> None:
    if actor is not None and role not in roles_grantable_by(actor):
        raise NotPermitted(_("You may not grant or revoke this programme role."))


@transaction.atomic
def programme_role_grant(*, user: User, role: str, granted_by: Any = None) -> ProgrammeRole:
    """Give `user` a programme role. Refused for anyone who is a member of a facility.

    `granted_by` is the person granting it from the pages (None: the system, the command line).
    The role works once the person has two-factor authentication (the staff-MFA middleware).
    """
    if role not in ProgrammeRoleName.values:
        raise ValueError(f"unknown programme role {role!r}")
    _require_grantor(granted_by, role)
    if user.memberships.exists():  # type: ignore[attr-defined]
        raise RoleConflict(_("Members of a facility cannot hold a programme role."))
    grant, created = ProgrammeRole.objects.get_or_create(user=user, role=role)
    if created:
        record_event(
            obj=user, action="programme_role_granted", actor=granted_by, reason=_role_label(role), data={"role": role}
        )
    _sync_admin_access(user)
    return grant


@transaction.atomic
def programme_role_revoke(*, user: User, role: str, revoked_by: Any = None) -> None:
    _require_grantor(revoked_by, role)
    if revoked_by is not None and revoked_by.pk == user.pk and role in _MANAGING_ROLES:
        raise Conflict(_("You cannot remove your own role that manages programme roles: ask a colleague."))
    deleted, _unused = ProgrammeRole.objects.filter(user=user, role=role).delete()
    if deleted:
        record_event(
            obj=user, action="programme_role_revoked", actor=revoked_by, reason=_role_label(role), data={"role": role}
        )
    _sync_admin_access(user)
