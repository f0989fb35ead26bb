"""Every kind of message the platform sends, keyed by its template prefix.

A kind is *mandatory* when a person must not miss it (security, access, invoices, decisions,
legal deadlines): it is always e-mailed. An *optional* kind can be switched off by each user on
the preferences page; it then still lands in the in-app inbox, only the e-mail stays away.
Kinds with `inbox=False` carry one-time secrets (activation links) and are e-mailed only.

A template prefix missing here is treated as mandatory; a test keeps this table complete.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Kind:
    prefix: str
    label: str | Promise
    group: str | Promise
    mandatory: bool = True
    inbox: bool = True


ACCOUNT = _("Account and facility")
APPLICATION = _("Application")
BILLING = _("Invoices and membership")
ASSESSMENT = _("Assessment")
DECISIONS = _("Decisions and awards")
REMINDERS = _("Reminders")

_KINDS = [
    Kind("facilities/email/activation", _("Activation of a new registration"), ACCOUNT, inbox=False),
    Kind("facilities/email/activated", _("Registration activated"), ACCOUNT),
    Kind("facilities/email/invitation", _("Invitation to a facility"), ACCOUNT),
    Kind("facilities/email/join_requested", _("Someone asks to join your facility"), ACCOUNT, mandatory=False),
    Kind("facilities/email/join_decided", _("Your request to join was decided"), ACCOUNT),
    Kind("facilities/email/representative_changed", _("New authorised representative"), ACCOUNT),
    Kind("facilities/email/confirmed", _("Registration confirmed"), ACCOUNT),
    Kind("facilities/email/rejected", _("Registration refused"), ACCOUNT),
    Kind(
        "facilities/email/registration_to_confirm",
        _("A registration awaits the office's confirmation"),
        ACCOUNT,
        mandatory=False,
    ),
    Kind("facilities/email/enrolled", _("Facility enrolled"), BILLING),
    Kind("facilities/email/lapsed", _("Membership lapsed"), BILLING),
    Kind("facilities/email/restored", _("Membership restored"), BILLING),
    Kind("billing/email/invoice_issued", _("Invoice issued"), BILLING),
    Kind("billing/email/payment_received", _("Payment received"), BILLING),
    Kind("billing/email/lapse_warning", _("Unpaid invoice: membership about to lapse"), BILLING),
    Kind("billing/email/credit_note_issued", _("Credit note issued"), BILLING),
    Kind("billing/email/consultation_scheduled", _("Consultation scheduled"), BILLING, mandatory=False),
    Kind("applications/email/submitted", _("Application submitted"), APPLICATION),
    Kind("applications/email/returned", _("Application returned by the programme office"), APPLICATION),
    Kind("assessment/email/assigned", _("Assessment assigned to you"), ASSESSMENT),
    Kind("assessment/email/review_reopened", _("Review reopened on a new dossier revision"), ASSESSMENT),
    Kind("assessment/email/evidence_requested", _("Evidence requested by the assessors"), ASSESSMENT),
    Kind(
        "assessment/email/evidence_answered", _("A facility answered an evidence request"), ASSESSMENT, mandatory=False
    ),
    Kind("decisions/email/decision_taken", _("Committee decision"), DECISIONS),
    Kind("decisions/email/appeal_lodged", _("Appeal lodged"), DECISIONS),
    Kind("decisions/email/appeal_panel", _("You are appointed to hear an appeal"), DECISIONS),
    Kind("decisions/email/appeal_decided", _("Appeal decided"), DECISIONS),
    Kind("decisions/email/award_granted", _("Award granted and certificate issued"), DECISIONS),
    Kind("decisions/email/award_status", _("Award suspended, reinstated, withdrawn or expired"), DECISIONS),
    Kind(
        "notifications/email/evidence_due_soon",
        _("Evidence request due soon (early reminders)"),
        REMINDERS,
        mandatory=False,
    ),
    Kind("notifications/email/evidence_due_final", _("Evidence request due: last reminder"), REMINDERS),
    Kind("notifications/email/evidence_overdue", _("Evidence request overdue"), REMINDERS),
    Kind("notifications/email/award_expiry", _("Award expiry (early reminders)"), REMINDERS, mandatory=False),
    Kind("notifications/email/award_expiry_final", _("Award expiry: last reminder"), REMINDERS),
]

KINDS: dict[str, Kind] = {kind.prefix: kind for kind in _KINDS}


def kind_for(prefix: str) -> Kind:
    """The registered kind, or a mandatory one for a prefix nobody registered yet."""
    return KINDS.get(prefix) or Kind(prefix, prefix.rsplit("/", 1)[-1].replace("_", " "), "")


def optional_kinds() -> list[Kind]:
    return [kind for kind in _KINDS if not kind.mandatory]
