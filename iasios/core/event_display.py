"""Showing the event log to people: words instead of codes, repeated actions collapsed.

The log keeps machine names (`submit`, `pending_activation`); a timeline shows what happened in
plain words ("Submitted", "Registration confirmed"). A state's words come from the model's own
choices (the one source of state labels); an action's words from the vocabulary below, looked up
first for the model ("facilities.facility:confirm"), then for the action alone. Runs of the same
action by the same person on the same day ("case_review_saved" × 30) become one line.
The vocabulary holds strings only: core imports no other app (docs/decisions/0023).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, ngettext

from iasios.core.models import Event

# "%(state)s" is replaced by the label of the state the object reached.
WORDS: dict[str, Promise] = {
    # facilities
    "facilities.facility:registered": gettext_lazy("Registered; awaiting the e-mail confirmation"),
    "facilities.facility:activate": gettext_lazy("Registration confirmed"),
    "facilities.facility:confirm": gettext_lazy("Registration accepted by the programme office"),
    "facilities.facility:reject": gettext_lazy("Registration rejected"),
    "facilities.facility:enrol": gettext_lazy("Enrolled: membership paid"),
    "facilities.facility:lapse": gettext_lazy("Membership lapsed"),
    "facilities.facility:restore": gettext_lazy("Membership restored"),
    "facilities.facility:invoice_issued": gettext_lazy("Invoice issued"),
    "facilities.joinrequest:requested": gettext_lazy("Asked to join"),
    "facilities.joinrequest:approve": gettext_lazy("Request to join approved"),
    "facilities.joinrequest:decline": gettext_lazy("Request to join declined"),
    "join_requested": gettext_lazy("Someone asked to join"),
    "join_approved": gettext_lazy("Request to join approved"),
    "join_declined": gettext_lazy("Request to join declined"),
    "member_added": gettext_lazy("Member added"),
    "member_removed": gettext_lazy("Member removed"),
    "representative_handed_over": gettext_lazy("Authorised representative handed over"),
    "facility_code_regenerated": gettext_lazy("Facility code renewed"),
    "documents_language_changed": gettext_lazy("Language of letters and certificates changed"),
    "activation_link_resent": gettext_lazy("Confirmation link sent again"),
    "invitation_sent": gettext_lazy("Invitation sent"),
    "possible_duplicate_flagged": gettext_lazy("Possible duplicate registration flagged"),
    "lapse_warning_sent": gettext_lazy("Warning of lapse sent"),
    # billing
    "billing.invoice:invoice_issued": gettext_lazy("Invoice issued"),
    "invoice_settled": gettext_lazy("Invoice paid"),
    "invoice_cancelled": gettext_lazy("Invoice cancelled"),
    "issuer_changed": gettext_lazy("Invoice issuer details changed"),
    "payment_recorded": gettext_lazy("Payment recorded"),
    "consultation_requested": gettext_lazy("Consultation requested"),
    "consultation_scheduled": gettext_lazy("Consultation scheduled"),
    "consultation_invoiced": gettext_lazy("Consultation invoiced"),
    "consultation_cancelled": gettext_lazy("Consultation cancelled"),
    # applications and cycles
    "cycle_started": gettext_lazy("Application started"),
    "applications.cycle:submit": gettext_lazy("Submitted"),
    "applications.cycle:return": gettext_lazy("Returned to the facility"),
    "applications.cycle:start_assessment": gettext_lazy("Assessment started"),
    "applications.cycle:send_to_committee": gettext_lazy("Sent to the committee"),
    "applications.cycle:decide": gettext_lazy("Decided"),
    "applications.cycle:reopen_for_amendment": gettext_lazy("Reopened for amendment"),
    "applications.cycle:close_amendment": gettext_lazy("Amendment closed"),
    "applications.cycle:reopen_review": gettext_lazy("Assessment reopened"),
    "dossier_frozen": gettext_lazy("Dossier frozen"),
    "evidence_revision_added": gettext_lazy("New revision of the document"),
    "procedure_log_uploaded": gettext_lazy("Procedure log uploaded"),
    "procedure_log_refused": gettext_lazy("Procedure log refused"),
    "case_sample_drawn": gettext_lazy("Case sample drawn"),
    "sampled_case_excluded": gettext_lazy("Sampled case excluded"),
    "case_review_saved": gettext_lazy("Case review saved"),
    # assessment
    "assessor_assigned": gettext_lazy("Assessor assigned"),
    "assessor_profile_created": gettext_lazy("Assessor profile created"),
    "assessment.assignment:assigned": gettext_lazy("Assignment proposed"),
    "assessment.assignment:accept": gettext_lazy("Assignment accepted"),
    "assessment.assignment:decline": gettext_lazy("Assignment declined"),
    "assessment.assignment:submit_review": gettext_lazy("Review submitted"),
    "assessment.assignment:withdraw": gettext_lazy("Assignment withdrawn"),
    "evidence_requested": gettext_lazy("Evidence requested"),
    "evidence_answered": gettext_lazy("Evidence request answered"),
    "assessment.evidencerequest:answer": gettext_lazy("Evidence request answered"),
    "assessment.evidencerequest:reask": gettext_lazy("Evidence asked for again"),
    "ratings_consolidated": gettext_lazy("Ratings consolidated"),
    "visit_planned": gettext_lazy("Visit planned"),
    # decisions and awards
    "decisions.decision:open_round": gettext_lazy("Committee vote opened"),
    "decisions.decision:take": gettext_lazy("Decision taken"),
    "decisions.decision:set_aside": gettext_lazy("Decision set aside"),
    "decisions.decision:reconsider": gettext_lazy("Decision reconsidered"),
    "vote": gettext_lazy("Vote cast"),
    "outcome_overridden": gettext_lazy("Outcome overridden by the office"),
    "outcome_override_cleared": gettext_lazy("Override of the outcome cleared"),
    "decisions.award:grant": gettext_lazy("Award granted: %(state)s"),
    "decisions.award:start": gettext_lazy("Award in force"),
    "decisions.award:suspend": gettext_lazy("Award suspended"),
    "decisions.award:reinstate": gettext_lazy("Award reinstated"),
    "decisions.award:expire": gettext_lazy("Award expired"),
    "decisions.award:supersede": gettext_lazy("Award superseded by the next one"),
    "decisions.award:set_aside": gettext_lazy("Award withdrawn on appeal"),
    "decisions.award:withdraw": gettext_lazy("Award withdrawn"),
    "decisions.appeal:lodge": gettext_lazy("Appeal lodged"),
    "decisions.appeal:uphold": gettext_lazy("Appeal upheld"),
    "decisions.appeal:dismiss": gettext_lazy("Appeal dismissed"),
    "decisions.appeal:panel_appointed": gettext_lazy("Appeal panel appointed"),
    "decisions.correctiveaction:add": gettext_lazy("Corrective action set"),
    "decisions.correctiveaction:verify": gettext_lazy("Corrective action verified"),
    "certificates.certificate:issue": gettext_lazy("Certificate issued"),
    # standards and accounts
    "framework_loaded": gettext_lazy("Framework loaded"),
    "framework_translations_loaded": gettext_lazy("Translations of the texts loaded"),
    "standards.frameworkversion:activate": gettext_lazy("Made the current version"),
    "programme_role_granted": gettext_lazy("Programme role granted"),
    "programme_role_revoked": gettext_lazy("Programme role revoked"),
    "api_token_created": gettext_lazy("API token created"),
    "api_token_revoked": gettext_lazy("API token revoked"),
}


def _case_reviews(count: int) -> str:
    return ngettext("Case review: %(count)d case saved", "Case review: %(count)d cases saved", count) % {"count": count}


def _revisions(count: int) -> str:
    return ngettext("%(count)d new revision of the document", "%(count)d new revisions of the document", count) % {
        "count": count
    }


def _votes(count: int) -> str:
    return ngettext("%(count)d vote cast", "%(count)d votes cast", count) % {"count": count}


# Words for a run of the same action, by count.
COUNTED = {
    "case_review_saved": _case_reviews,
    "evidence_revision_added": _revisions,
    "vote": _votes,
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a timeline: one event, or a run of the same action collapsed."""

    created_at: datetime
    words: str
    actor: Any
    reason: str = ""
    count: int = 1


def state_label(model: type[models.Model] | None, value: str) -> str:
    """The label of `value` in the model's choices (its state field), else the value humanised."""
    if not value:
        return ""
    for field in model._meta.concrete_fields if model is not None else ():
        for key, label in field.flatchoices or ():
            if key == value:
                return str(label)
    return humanise(value)


def humanise(code: str) -> str:
    """“programme_role_granted” → “Programme role granted”: the last resort for an unknown code."""
    text = str(code).replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def event_words(event: Event, count: int = 1) -> str:
    """What the event says in plain words (for a run of `count` equal events, their count)."""
    content_type = ContentType.objects.get_for_id(event.content_type_id)
    model = content_type.model_class()
    if count > 1 and event.action in COUNTED:
        return COUNTED[event.action](count)
    phrase = WORDS.get(f"{content_type.app_label}.{content_type.model}:{event.action}") or WORDS.get(event.action)
    state = state_label(model, event.to_state)
    if phrase is not None:
        words = str(phrase) % {"state": state} if "%(state)s" in str(phrase) else str(phrase)
    else:
        words = state or humanise(event.action)
    if count > 1:
        return ngettext("%(words)s (%(count)d time)", "%(words)s (%(count)d times)", count) % {
            "words": words,
            "count": count,
        }
    return words


# Reasons the system writes (a sweep, with no reader's language at hand): the event keeps the code
# and its values in `data["reason"]`, and the reason is worded when it is read, in the reader's
# language. `Event.reason` keeps the text as written, for an event recorded before or elsewhere.
SYSTEM_REASONS: dict[str, Promise] = {
    "term_began": gettext_lazy("The term began on %(date)s."),
    "term_ended": gettext_lazy("The term ended on %(date)s."),
    "term_ended_successor": gettext_lazy("The term ended on %(date)s; the next award is in force."),
}


def system_reason(code: str, **dates: date) -> dict[str, Any]:
    """The `data` of an event whose reason is SYSTEM_REASONS[code] with these dates (ISO)."""
    if code not in SYSTEM_REASONS:
        raise KeyError(code)
    return {"reason": {"code": code, **{name: value.isoformat() for name, value in dates.items()}}}


# An app above core words the reason of its own actions from the event's data (a role's label from
# its code, say): registered in the app's ready(), as core imports no other app.
REASON_WORDERS: dict[str, Callable[[dict[str, Any]], object]] = {}


def register_reason(action: str, worder: Callable[[dict[str, Any]], object]) -> None:
    REASON_WORDERS[action] = worder


def event_reason(event: Event) -> str:
    """The event's reason in the active language when the system wrote it by code, else as written."""
    data = event.data if isinstance(event.data, dict) else {}
    worder = REASON_WORDERS.get(event.action)
    if worder is not None:
        try:
            return str(worder(data))
        except (KeyError, TypeError, ValueError):
            pass
    spec = data.get("reason")
    if isinstance(spec, dict) and spec.get("code") in SYSTEM_REASONS:
        try:
            values = {k: date_format(date.fromisoformat(v), "DATE_FORMAT") for k, v in spec.items() if k != "code"}
            return str(SYSTEM_REASONS[spec["code"]]) % values
        except (KeyError, TypeError, ValueError):
            pass
    return event.reason


def _same_run(a: Event, b: Event) -> bool:
    return (
        a.action == b.action
        and a.actor_id == b.actor_id
        and a.content_type_id == b.content_type_id
        and a.object_id == b.object_id
        and not (a.to_state or b.to_state or a.reason or b.reason)
        and timezone.localdate(a.created_at) == timezone.localdate(b.created_at)
    )


def timeline_entries(events: Iterable[Event], limit: int | None = None) -> list[TimelineEntry]:
    """Collapse runs of the same action (same person, object and day) into one line each."""
    runs: list[list[Event]] = []
    for event in events:
        if runs and _same_run(runs[-1][0], event):
            runs[-1].append(event)
            continue
        if limit is not None and len(runs) >= limit:
            break
        runs.append([event])
    return [
        TimelineEntry(
            created_at=run[0].created_at,
            words=event_words(run[0], len(run)),
            actor=run[0].actor,
            reason=event_reason(run[0]),
            count=len(run),
        )
        for run in runs
    ]
