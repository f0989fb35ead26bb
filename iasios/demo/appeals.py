"""Appeals in the demo: enough people to hear one, and the office's part in it.

The three demo committee members vote on every demo decision, so none of them may hear an appeal
against one. Two committee members for appeals only (with two-factor authentication, like every
demo staff login) may sit on a panel; the quorum is three, so the office's appeal page says one
more is needed and links to the people pages, where a former committee member (whose role was
revoked, as the history shows) can be given the role again. A visitor can then lodge an appeal
(the amending centre's representative, within the window after seeding), appoint the panel as the
office and hear it as a member for appeals only; and see a late appeal refused on an older
decision (the accredited centre's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from iasios.accounts.models import User
from iasios.accounts.roles import ProgrammeRoleName
from iasios.accounts.services import programme_role_revoke

MEMBERS_FOR_APPEALS = [
    ("appeals@demo.example", "Farah Appeals"),
    ("appeals2@demo.example", "Gustav Appeals"),
]
FORMER_MEMBER = ("former.committee@demo.example", "Hugo Former")


def appeal_members(office: User, make_staff: Callable[[str, str, str], tuple[User, Any]]) -> list[Any]:
    """The members for appeals only and the former committee member; returns the printed logins.

    `make_staff` is the demo's staff builder (a login with TOTP), passed in by the seed.
    """
    logins = [make_staff(email, name, ProgrammeRoleName.APPEALS)[1] for email, name in MEMBERS_FOR_APPEALS[:1]]
    for email, name in MEMBERS_FOR_APPEALS[1:]:
        make_staff(email, name, ProgrammeRoleName.APPEALS)
    email, name = FORMER_MEMBER
    if not User.objects.filter(email=email).exists():
        former, _login = make_staff(email, name, ProgrammeRoleName.COMMITTEE)
        programme_role_revoke(user=former, role=ProgrammeRoleName.COMMITTEE, revoked_by=office)
    return logins
