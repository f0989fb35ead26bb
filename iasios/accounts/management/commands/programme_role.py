"""Grant or revoke a programme role: `manage.py programme_role grant|revoke EMAIL ROLE`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from iasios.accounts.middleware import NO_MFA_YET
from iasios.accounts.models import User
from iasios.accounts.roles import ProgrammeRoleName
from iasios.accounts.services import RoleConflict, programme_role_grant, programme_role_revoke


class Command(BaseCommand):
    help = "Grant or revoke a programme role (office, assessor, committee, administrator)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["grant", "revoke"])
        parser.add_argument("email")
        parser.add_argument("role", choices=ProgrammeRoleName.values)

    def handle(self, *args: Any, action: str, email: str, role: str, **options: Any) -> None:
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist as exc:
            raise CommandError(f"No account with the e-mail address {email}.") from exc
        if action == "grant":
            try:
                programme_role_grant(user=user, role=role)
            except RoleConflict as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(f"{user.email} now holds the role {role}."))
            if not user.has_mfa:
                self.stdout.write(self.style.WARNING(str(NO_MFA_YET)))
        else:
            programme_role_revoke(user=user, role=role)
            self.stdout.write(self.style.SUCCESS(f"{user.email} no longer holds the role {role}."))
        roles = ", ".join(sorted(User.objects.get(pk=user.pk).programme_roles)) or "none"
        self.stdout.write(f"Programme roles: {roles}.")
