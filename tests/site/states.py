"""A facility brought to each state of its pathway through the services (the demo's builders).

`build(state)` returns the facility and its authorised representative. Every state the
facility's home must tell truthfully is here, from a registration awaiting the office to a
Centre of Excellence.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from iasios.accounts.models import User
from iasios.accounts.roles import ProgrammeRoleName
from iasios.demo import awards, cycles
from iasios.demo.seed import CENTRES, DEMO_PASSWORD, demo_centre
from iasios.facilities.models import Facility, FacilityStatus
from tests import factories

FACILITY_STATES = {
    "registered": FacilityStatus.REGISTERED,
    "awaiting_payment": FacilityStatus.AWAITING_PAYMENT,
    "enrolled": FacilityStatus.ENROLLED,
}
# Application stages the demo's builders reach (demo.cycles.demo_cycle, demo.awards.advance).
EARLY = {"draft": "draft", "ready": "reviewed", "submitted": "submitted"}
LATER = ["in_assessment", "with_committee", "amending", "accredited", "suspended", "expired", "excellence"]
STATES = [*FACILITY_STATES, *EARLY, *LATER]


def panel() -> awards.Panel:
    office = factories.make_staff(ProgrammeRoleName.OFFICE, name="Olga Office")
    first = factories.make_staff(ProgrammeRoleName.ASSESSOR, name="Anna Assessor")
    second = factories.make_staff(ProgrammeRoleName.ASSESSOR, name="Bela Assessor")
    awards.assessor_profile(first, office, "NL", "Amsterdam Medical Centre", "English")
    awards.assessor_profile(second, office, "PT", "Hospital de Santa Maria", "English")
    committee = tuple(factories.make_staff(ProgrammeRoleName.COMMITTEE, name=f"Member {n}") for n in range(3))
    return awards.Panel(office=office, assessors=(first, second), committee=committee)


def build(state: str, the_panel: awards.Panel | None = None) -> tuple[Facility, User, awards.Panel]:
    """A facility at `state` (one of STATES), its representative and the programme's people."""
    the_panel = the_panel or panel()
    centre = dataclasses.replace(CENTRES[0], state=FACILITY_STATES.get(state, FacilityStatus.ENROLLED))
    facility, rep = demo_centre(centre, the_panel.office)
    if state in EARLY:
        cycles.demo_cycle(facility, editor=rep, representative=rep, stage=EARLY[state], password=DEMO_PASSWORD)
    elif state in LATER:
        cycle = cycles.demo_cycle(facility, editor=rep, representative=rep, stage="submitted", password=DEMO_PASSWORD)
        awards.advance(cycle, state, the_panel, rep, DEMO_PASSWORD)
    facility.refresh_from_db()
    return facility, rep, the_panel


def page_text(response: Any) -> str:
    """The page's main content as text, spaces collapsed (what a person reads)."""
    import html
    import re

    body = response.content.decode()
    main = re.search(r"(?s)<main.*?</main>", body)
    text = re.sub(r"<[^>]+>", " ", main.group(0) if main else body)
    return re.sub(r"\s+", " ", html.unescape(text))
