"""A short guide per role: what happens next, and what each state means.

The states are named by their enums' labels (the words the pages show); this module adds only
the sentence that explains each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import TextChoices
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from iasios.applications.models import CycleStatus
from iasios.assessment.models import AssignmentStatus, EvidenceRequestStatus
from iasios.billing.models import InvoiceStatus
from iasios.decisions.models import AppealStatus, AwardStatus, Outcome
from iasios.facilities.models import FacilityStatus

Text = str | Promise


@dataclass(frozen=True)
class StateTable:
    title: Text
    rows: list[tuple[Text, Text]]  # (the state's label, what it means)


@dataclass(frozen=True)
class Guide:
    role: str
    title: Text
    intro: Text
    steps: list[Text]
    tables: list[StateTable]


def _table(title: Text, choices: type[TextChoices], meanings: Mapping[Any, Any]) -> StateTable:
    """The states of an enum in its order, each with its meaning (states without one are left out)."""
    return StateTable(title, [(member.label, meanings[member]) for member in choices if member in meanings])


FACILITY_STATES = {
    FacilityStatus.PENDING_ACTIVATION: _("The registration waits for the activation link e-mailed to its author."),
    FacilityStatus.REGISTERED: _("The programme office checks the registration, then issues the enrolment invoice."),
    FacilityStatus.AWAITING_PAYMENT: _("The enrolment invoice is issued; once it is paid the facility is enrolled."),
    FacilityStatus.ENROLLED: _("An Enrolled Centre: the online application and the case review are open."),
    FacilityStatus.LAPSED: _(
        "The annual fee is unpaid past its grace period: the application is read-only and "
        "the seal hidden until it is paid."
    ),
    FacilityStatus.REJECTED: _("The office did not accept the registration; the reason is in the timeline."),
}

CYCLE_STATES = {
    CycleStatus.DRAFT: _("The team answers the requirements and runs the case review."),
    CycleStatus.SUBMITTED: _("Signed and frozen as a dossier; the office checks it is complete."),
    CycleStatus.RETURNED: _("The office sent it back with reasons; fix them and submit again."),
    CycleStatus.IN_ASSESSMENT: _("Two assessors review the dossier and may ask for supplementary evidence."),
    CycleStatus.WITH_COMMITTEE: _("The accreditation committee decides on the assessors' recommendation."),
    CycleStatus.AMENDING: _("The decision listed areas to amend: revise those requirements and resubmit in time."),
    CycleStatus.DECIDED: _("The decision is taken and its letter sent."),
}

REQUEST_STATES = {
    EvidenceRequestStatus.OPEN: _("Waiting for the facility's answer; the decision clock is paused."),
    EvidenceRequestStatus.ANSWERED: _("The facility answered; the assessor accepts the answer or asks again."),
    EvidenceRequestStatus.ACCEPTED: _("The assessor accepted the answer."),
    EvidenceRequestStatus.WITHDRAWN: _("The assessor withdrew the request."),
}

OUTCOMES = {
    Outcome.ACCREDITED: _("Accredited Centre for the term the programme sets; a certificate is issued."),
    Outcome.CENTRE_OF_EXCELLENCE: _(
        "Only at re-certification after a full term, with every core and extended requirement met."
    ),
    Outcome.AREAS_TO_AMEND: _("The letter lists what must change; the facility resubmits within the window."),
    Outcome.NOT_ACCREDITED: _("No award; the facility may apply again."),
}

AWARD_STATES = {
    AwardStatus.PENDING: _("Granted on re-certification; in force from the day after the current award ends."),
    AwardStatus.VALID: _("In force: shown on the registry and the verification page."),
    AwardStatus.SUSPENDED: _("Suspended by the office with a reason; the registry stops showing the seal."),
    AwardStatus.WITHDRAWN: _("Withdrawn by the office with a reason."),
    AwardStatus.EXPIRED: _("The term ended without a decided re-certification."),
    AwardStatus.SUPERSEDED: _("Followed by the next award at the end of its term."),
}

INVOICE_STATES = {
    InvoiceStatus.ISSUED: _("Waiting for payment; the office records the payment when it arrives."),
    InvoiceStatus.PAID: _("Paid in full."),
    InvoiceStatus.CANCELLED: _("Cancelled by a credit note."),
}

ASSIGNMENT_STATES = {
    AssignmentStatus.PROPOSED: _("The office proposed you: accept (declaring any conflict of interest) or decline."),
    AssignmentStatus.ACCEPTED: _("You review the dossier, ask for evidence and rate every requirement."),
    AssignmentStatus.DECLINED: _("You declined; the office proposes someone else."),
    AssignmentStatus.SUBMITTED: _("Your ratings are in; a resubmitted dossier reopens the review."),
    AssignmentStatus.WITHDRAWN: _("The office withdrew the assignment."),
}

APPEAL_STATES = {
    AppealStatus.LODGED: _("Waiting for a hearing by members who took no part in the decision."),
    AppealStatus.UPHELD: _("The decision is set aside and the application goes back to the committee."),
    AppealStatus.DISMISSED: _("The decision stands."),
}


GUIDES: dict[str, Guide] = {
    "facility": Guide(
        "facility",
        _("Guide for facilities"),
        _("Your facility's page always says the one next step; this guide says what the words mean."),
        [
            _("Register the service and activate it with the e-mailed link."),
            _("The office confirms the registration and issues the enrolment invoice; pay it to enrol."),
            _("Answer every requirement, link your evidence, run the internal case review of the sampled cases."),
            _("The authorised representative signs and submits; the dossier is frozen."),
            _("Answer the assessors' evidence requests by their due date."),
            _("The committee decides; the letter, and with an award the certificate, appear on your page."),
            _("Before the award ends, re-certification opens: your answers are carried over to confirm."),
        ],
        [
            _table(_("Your facility"), FacilityStatus, FACILITY_STATES),
            _table(_("Your application"), CycleStatus, CYCLE_STATES),
            _table(_("Evidence requests"), EvidenceRequestStatus, REQUEST_STATES),
            _table(_("Decisions"), Outcome, OUTCOMES),
            _table(_("Awards"), AwardStatus, AWARD_STATES),
        ],
    ),
    "office": Guide(
        "office",
        _("Guide for the programme office"),
        _("Your home lists everything waiting on the office, the longest waiting first; each line opens its list."),
        [
            _("Confirm registrations (this issues the enrolment invoice) and record payments."),
            _("Triage submitted dossiers: return them with reasons or pass them to two assessors."),
            _("Follow assignments until accepted, and evidence requests past their due date."),
            _("When both reviews are in, reconcile the ratings and send the recommendation to the committee."),
            _("Appoint an appeal panel when too few committee members took no part in the decision."),
            _("Watch awards that end soon, and suspend or withdraw an award with a reason."),
        ],
        [
            _table(_("Facilities"), FacilityStatus, FACILITY_STATES),
            _table(_("Invoices"), InvoiceStatus, INVOICE_STATES),
            _table(_("Applications"), CycleStatus, CYCLE_STATES),
            _table(_("Awards"), AwardStatus, AWARD_STATES),
        ],
    ),
    "assessor": Guide(
        "assessor",
        _("Guide for assessors"),
        _("Your home lists your assignments, active ones first, the soonest result due first."),
        [
            _("Accept or decline a proposed assignment, declaring any conflict of interest."),
            _("Review the frozen dossier and, where something is unclear, request supplementary evidence."),
            _("Rate every requirement (met, partly met, not met) with a comment, then submit your review."),
            _("The office reconciles the two reviews and sends the recommendation to the committee."),
        ],
        [
            _table(_("Assignments"), AssignmentStatus, ASSIGNMENT_STATES),
            _table(_("Evidence requests"), EvidenceRequestStatus, REQUEST_STATES),
        ],
    ),
    "committee": Guide(
        "committee",
        _("Guide for committee members"),
        _("Your home lists the applications awaiting your vote and the appeals you may hear."),
        [
            _("Read the dossier, the assessors' ratings and their recommendation."),
            _("Vote on the outcome; the decision is taken when the quorum agrees."),
            _("Hear appeals against decisions you took no part in."),
        ],
        [
            _table(_("Outcomes"), Outcome, OUTCOMES),
            _table(_("Appeals"), AppealStatus, APPEAL_STATES),
        ],
    ),
}
