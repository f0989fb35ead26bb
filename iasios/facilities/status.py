"""What a facility's team does next, and what is in the way, per lifecycle state."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from iasios.facilities.models import Facility, FacilityStatus


@dataclass(frozen=True)
class NextStep:
    title: str
    detail: str
    tone: str = "info"  # info | warn | ok | bad
    url: str = ""  # where the step is taken (the button), when the viewer can take it there
    action: str = ""  # the button's words; no button without them


def next_step(facility: Facility, to_pay: Sequence[str] = ()) -> NextStep:
    """`to_pay`: numbers of the documents the facility has to pay now, as far as the viewer may see them."""
    status = facility.status
    if status == FacilityStatus.PENDING_ACTIVATION:
        return NextStep(
            _("Activate the registration"),
            _("Open the activation link we e-mailed to the person who registered the facility."),
            "warn",
        )
    if status == FacilityStatus.REGISTERED:
        return NextStep(
            _("Awaiting the office's confirmation"),
            _(
                "The programme office checks the registration, then issues the enrolment invoice. "
                "Nothing to do for now."
            ),
        )
    if status in (FacilityStatus.AWAITING_PAYMENT, FacilityStatus.LAPSED):
        numbers = ", ".join(to_pay)
        if status == FacilityStatus.LAPSED:
            title = _("Membership lapsed: pay the annual invoice")
            detail = _("The application is read-only and the seal is hidden until the open invoice is paid.")
        else:
            title = _("Pay the enrolment invoice")
            detail = _("Once it is paid, the facility becomes an Enrolled Centre and the online application opens.")
        if numbers:
            title = _("Pay invoice %(numbers)s") % {"numbers": numbers}
        return NextStep(title, detail, "bad" if status == FacilityStatus.LAPSED else "warn")
    if status == FacilityStatus.ENROLLED:
        return NextStep(
            _("Enrolled Centre"),
            _(
                "The online application and the internal case review are open. "
                "Membership continues with the annual fee."
            ),
            "ok",
        )
    return NextStep(
        _("Registration not accepted"),
        _("The programme office did not accept this registration; the reason is in the timeline."),
        "bad",
    )
