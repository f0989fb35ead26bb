"""Navigation per role, computed once per request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from iasios.accounts.roles import ProgrammeRoleName


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    items: list[tuple[str, str]] = [
        (str(_("Standards")), reverse("standards:browse")),
        (str(_("Registry")), reverse("registry:list")),
    ]
    staff: list[tuple[str, str]] = []
    if getattr(user, "is_authenticated", False):
        roles = user.programme_roles  # type: ignore[union-attr]
        if roles & {ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR}:
            staff.append((str(_("Office")), reverse("office_home")))
        if ProgrammeRoleName.ASSESSOR in roles:
            staff.append((str(_("Assessments")), reverse("assessor_home")))
        if roles & {ProgrammeRoleName.COMMITTEE, ProgrammeRoleName.APPEALS}:
            staff.append((str(_("Committee")), reverse("committee_home")))
        if roles & {ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR}:
            staff.append((str(_("Reference data")), reverse("admin:index")))
        items = [(str(_("Dashboard")), reverse("dashboard")), *staff, *items]
    else:
        items = [
            (str(_("Interventional oncology")), reverse("about_io")),
            (str(_("The programme")), reverse("programme")),
            (str(_("Eligibility")), reverse("eligibility")),
            *items,
        ]
    return {"nav_items": items, "staff_nav_items": staff, "nav_current": request.path}
