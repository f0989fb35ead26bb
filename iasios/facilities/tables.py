"""The office's facility list as a report table: what the page shows and the exports write."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from iasios.core.exports import Column, Table
from iasios.facilities.countries import COUNTRY_NAMES
from iasios.facilities.models import Facility


def facility_table(facilities: Iterable[Facility]) -> Table[Facility]:
    """Rows from `selectors.facilities_for_office` (member and request counts annotated)."""
    return Table(
        name="facilities",
        title=_("Facilities"),
        columns=[
            Column(_("Facility"), lambda f: f.name, width=36),
            Column(_("Institution"), lambda f: f.institution, width=30),
            Column(_("City"), lambda f: f.city, width=18),
            Column(_("Country"), lambda f: f.country),
            Column(_("Country name"), lambda f: COUNTRY_NAMES.get(f.country, f.country), width=18),
            Column(_("Status"), lambda f: f.get_status_display(), width=16),
            Column(_("Members"), lambda f: getattr(f, "member_count", None), numeric=True),
            Column(_("Requests"), lambda f: getattr(f, "pending_requests", None), numeric=True),
            Column(_("Enrolled on"), lambda f: f.enrolled_on, width=12),
            Column(_("Registered"), lambda f: f.created_at, width=17),
            Column(
                _("Possible duplicate of"), lambda f: f.possible_duplicate_of.name if f.possible_duplicate_of else ""
            ),
        ],
        rows=facilities,
    )
