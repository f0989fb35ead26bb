"""Reads of the application: progress, gaps, blockers, the pages' data. A fixed number of queries each."""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from iasios.accounts.roles import FacilityRoleName
from iasios.applications.models import (
    CLAIMS_NEEDING_EVIDENCE,
    EDITABLE_CYCLE_STATES,
    AmendmentItem,
    AmendmentRound,
    Answer,
    AnswerComment,
    Claim,
    Cycle,
    CycleStatus,
    Dossier,
    EvidenceDocument,
    EvidenceLink,
    EvidenceRevision,
)
from iasios.core.models import Event
from iasios.facilities.models import Facility, FacilityStatus, Membership
from iasios.standards.models import Standard


def evidence_counts_q() -> Q:
    """A linked document counts as evidence when it has a file or is declared available on request."""
    return Q(document__available_on_request=True) | Q(document__revisions__isnull=False)


def answers_with_state(cycle: Cycle) -> QuerySet[Answer]:
    """The cycle's answers with their requirement and standard, and `has_evidence`, in one query."""
    evidence = EvidenceLink.objects.filter(answer=OuterRef("pk")).filter(evidence_counts_q())
    return (
        Answer.objects.filter(cycle=cycle)
        .select_related("requirement__standard")
        .annotate(has_evidence=Exists(evidence))
        .order_by("requirement__position")
    )


def answer_gap(answer: Answer) -> str | None:
    """Why an answer is not complete yet, or None when it is."""
    if not answer.claim:
        return _("not answered")
    if answer.claim == Claim.NOT_APPLICABLE and not answer.na_reason.strip():
        return _("no reason given why it does not apply")
    if answer.claim in CLAIMS_NEEDING_EVIDENCE and not getattr(answer, "has_evidence", False):
        return _("no evidence linked")
    return None


@dataclass
class Progress:
    done: int = 0
    total: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    def add(self, complete: bool) -> None:
        self.total += 1
        self.done += int(complete)


@dataclass
class StandardProgress:
    standard: Standard
    all: Progress = field(default_factory=Progress)
    core: Progress = field(default_factory=Progress)


@dataclass
class Gap:
    answer: Answer
    reason: str
    url: str

    @property
    def core(self) -> bool:
        return self.answer.requirement.core


@dataclass
class CycleOverview:
    standards: list[StandardProgress]
    overall: Progress
    core: Progress
    extended: Progress
    gaps: list[Gap]


def answer_url(answer: Answer) -> str:
    return (
        reverse("applications:standard", args=[answer.cycle_id, answer.requirement.standard.number])
        + f"#req-{answer.requirement.reference}"
    )


def cycle_overview(cycle: Cycle) -> CycleOverview:
    """Progress per standard, core and extended, and the list of what is missing (core first)."""
    by_standard: dict[int, StandardProgress] = {}
    overall, core, extended = Progress(), Progress(), Progress()
    gaps: list[Gap] = []
    for answer in answers_with_state(cycle):
        standard = answer.requirement.standard
        row = by_standard.setdefault(standard.pk, StandardProgress(standard))
        reason = answer_gap(answer)
        complete = reason is None
        row.all.add(complete)
        overall.add(complete)
        if answer.requirement.core:
            row.core.add(complete)
            core.add(complete)
        else:
            extended.add(complete)
        if reason:
            gaps.append(Gap(answer, reason, answer_url(answer)))
    gaps.sort(key=lambda g: (not g.core, g.answer.requirement.position))
    standards = sorted(by_standard.values(), key=lambda r: r.standard.number)
    return CycleOverview(standards, overall, core, extended, gaps)


@dataclass
class Blocker:
    message: str
    url: str = ""


def application_blockers(cycle: Cycle) -> list[Blocker]:
    """What in the application itself stops a submission: the state, the membership, the answers.

    The case review and the signer are added by `iasios.cycles.selectors.submission_blockers`."""
    blockers: list[Blocker] = []
    if cycle.status not in EDITABLE_CYCLE_STATES:
        return [Blocker(_("This application has already been submitted."))]
    if cycle.status == CycleStatus.AMENDING:
        current = current_amendment(cycle)
        if current is not None and current.due_at < timezone.now():
            blockers.append(
                Blocker(
                    _(
                        "The resubmission window closed on %(date)s. The decision stands; "
                        "ask the programme office about the way forward."
                    )
                    % {"date": date_format(timezone.localtime(current.due_at), "DATE_FORMAT")}
                )
            )
    if cycle.facility.status != FacilityStatus.ENROLLED:
        blockers.append(
            Blocker(
                _("The membership is not paid: the facility is not an Enrolled Centre."),
                reverse("billing:facility_invoices", args=[cycle.facility_id]),
            )
        )
    for answer in answers_with_state(cycle).filter(requirement__core=True):
        reason = answer_gap(answer)
        if reason:
            blockers.append(
                Blocker(
                    _("Core requirement %(ref)s: %(reason)s.")
                    % {"ref": answer.requirement.reference, "reason": reason},
                    answer_url(answer),
                )
            )
    unconfirmed = list(
        Answer.objects.filter(cycle=cycle, requirement__core=True, carried_over=True)
        .select_related("requirement__standard")
        .order_by("requirement__position")
    )
    if unconfirmed:
        blockers.append(
            Blocker(
                ngettext(
                    "%(n)s carried-over core answer still to confirm or change: %(refs)s.",
                    "%(n)s carried-over core answers still to confirm or change: %(refs)s.",
                    len(unconfirmed),
                )
                % {"n": len(unconfirmed), "refs": ", ".join(a.requirement.reference for a in unconfirmed)},
                answer_url(unconfirmed[0]),
            )
        )
    return blockers


def representative_of(facility: Facility) -> Any:
    membership = (
        Membership.objects.filter(facility=facility, role=FacilityRoleName.AUTHORISED_REPRESENTATIVE)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def open_cycle(facility: Facility) -> Cycle | None:
    return Cycle.objects.open().filter(facility=facility).first()


def last_decided_cycle(facility: Facility) -> Cycle | None:
    """The facility's latest decided cycle (a re-certification carries its answers over)."""
    return (
        Cycle.objects.decided()
        .filter(facility=facility)
        .select_related("framework")
        .order_by(F("decided_at").desc(nulls_last=True), "-created_at")
        .first()
    )


def team_of(facility: Facility) -> list[Any]:
    """The people an answer can be assigned to: the facility's editors."""
    from iasios.accounts.roles import FACILITY_EDITOR_ROLES

    return [
        m.user
        for m in Membership.objects.filter(facility=facility, role__in=FACILITY_EDITOR_ROLES)
        .select_related("user")
        .order_by("user__name", "user__email")
    ]


def revisions_newest_first() -> QuerySet[EvidenceRevision]:
    return EvidenceRevision.objects.select_related("uploaded_by").order_by("-number")


@dataclass(frozen=True)
class LatestFile:
    """A document's newest stored file, as the standard page links it."""

    id: Any
    number: int
    size: int


@dataclass(frozen=True)
class StandardAnswer:
    """An answer as the standard page shows it: its linked documents (in the order linked, each
    with its newest file) and its comments (oldest first)."""

    answer: Answer
    documents: list[tuple[EvidenceDocument, LatestFile | None]]
    comments: list[AnswerComment]


def standard_answers(cycle: Cycle, standard: Standard) -> list[StandardAnswer]:
    """The answers of one standard with their evidence, latest files and comments, in four queries.

    Read in bulk and grouped here, not prefetched into each answer's related managers: the
    prefetch copies a queryset per answer and per document, which cost more than the queries."""
    answers = list(
        answers_with_state(cycle)
        .filter(requirement__standard=standard)
        .select_related("assignee", "updated_by", "carried_from__requirement")
    )
    ids = [a.pk for a in answers]
    links = list(EvidenceLink.objects.filter(answer_id__in=ids).select_related("document"))  # as linked
    latest: dict[Any, LatestFile] = {}
    revisions = EvidenceRevision.objects.filter(document_id__in={link.document_id for link in links})
    for document_id, file_id, number, size in revisions.order_by("document_id", "-number").values_list(
        "document_id", "id", "number", "size"
    ):
        latest.setdefault(document_id, LatestFile(file_id, number, size))
    documents: dict[Any, list[tuple[EvidenceDocument, LatestFile | None]]] = defaultdict(list)
    for link in links:
        documents[link.answer_id].append((link.document, latest.get(link.document_id)))
    comments: dict[Any, list[AnswerComment]] = defaultdict(list)
    for comment in AnswerComment.objects.filter(answer_id__in=ids).select_related("author"):  # oldest first
        comments[comment.answer_id].append(comment)
    return [StandardAnswer(a, documents[a.pk], comments[a.pk]) for a in answers]


@dataclass(frozen=True)
class LibraryRevision:
    """A stored file of a document, as the library lists it (plain values, no model instance)."""

    id: Any
    number: int
    original_name: str
    kind: str
    content_type: str
    size: int
    sha256: str
    received_at: datetime.datetime

    @property
    def pk(self) -> Any:
        return self.id


@dataclass(frozen=True)
class LibraryDocument:
    """A document of the library with its revisions (newest first) and the references of the
    requirements it supports (one per linked answer, in the order they were linked)."""

    id: Any
    title: str
    description: str
    effective_on: datetime.date | None
    expires_on: datetime.date | None
    available_on_request: bool
    revisions: list[LibraryRevision]
    supports: list[str]

    @property
    def pk(self) -> Any:
        return self.id

    @property
    def latest_revision(self) -> LibraryRevision | None:
        return self.revisions[0] if self.revisions else None


LIBRARY_REVISION_FIELDS = [f.name for f in dataclasses.fields(LibraryRevision)]


def library_documents(facility: Facility) -> list[LibraryDocument]:
    """The evidence library with the revisions and the requirements each document supports.

    Three queries of plain values: a big library is read often (the page and the API), and
    building a model instance for every document, revision, link, answer and requirement cost
    more than the rest of the request."""
    revisions: dict[Any, list[LibraryRevision]] = defaultdict(list)
    for values in (
        EvidenceRevision.objects.filter(document__facility=facility)
        .order_by("document_id", "-number")
        .values_list("document_id", *LIBRARY_REVISION_FIELDS)
    ):
        revisions[values[0]].append(LibraryRevision(*values[1:]))
    supports: dict[Any, list[str]] = defaultdict(list)
    for document_id, number, letter in (
        EvidenceLink.objects.filter(document__facility=facility)
        .order_by("linked_at", "id")
        .values_list("document_id", "answer__requirement__standard__number", "answer__requirement__letter")
    ):
        supports[document_id].append(f"{number}{letter}")  # Requirement.reference
    return [
        LibraryDocument(**values, revisions=revisions[values["id"]], supports=supports[values["id"]])
        for values in EvidenceDocument.objects.filter(facility=facility)
        .order_by("title", "created_at")
        .values("id", "title", "description", "effective_on", "expires_on", "available_on_request")
    ]


def library_choices(facility: Facility) -> list[EvidenceDocument]:
    """Documents for the "link evidence" pickers (titles only)."""
    return list(EvidenceDocument.objects.filter(facility=facility).only("id", "title").order_by("title"))


def cycles_of_facility(facility: Facility) -> QuerySet[Cycle]:
    return Cycle.objects.filter(facility=facility).select_related("framework").order_by("-created_at")


# ----------------------------------------------------------------------------- amendment rounds


def current_amendment(cycle: Cycle) -> AmendmentRound | None:
    """The latest amendment round of the cycle, with its reopened answers (the one in force while amending)."""
    return (
        AmendmentRound.objects.filter(cycle=cycle)
        .prefetch_related(
            Prefetch("items", queryset=AmendmentItem.objects.select_related("answer__requirement__standard"))
        )
        .order_by("-number")
        .first()
    )


def amendment_overdue(cycle: Cycle, now: datetime.datetime | None = None) -> bool:
    """Is the cycle amending with its resubmission window passed?"""
    if cycle.status != CycleStatus.AMENDING:
        return False
    current = AmendmentRound.objects.filter(cycle=cycle).order_by("-number").only("due_at").first()
    return current is not None and current.due_at < (now or timezone.now())


def reopened_answer_ids(cycle: Cycle) -> dict[Any, str]:
    """In an amendment round: reopened answer id → the committee's reason (may be empty). Else empty."""
    if cycle.status != CycleStatus.AMENDING:
        return {}
    current = AmendmentRound.objects.filter(cycle=cycle).order_by("-number").values("pk")[:1]
    return dict(AmendmentItem.objects.filter(round_id=Subquery(current)).values_list("answer_id", "reason"))


def last_return_reason(cycle: Cycle) -> Event | None:
    """The office's latest "return" event (its reason and date), for the returned workspace."""
    return Event.objects.for_object(cycle).filter(action="return").select_related("actor").order_by("-id").first()


# ----------------------------------------------------------------------------- what happens next


@dataclass
class NextStep:
    """The cycle's state in words for the facility's workspace: what happens now and who acts."""

    headline: str
    detail: str = ""
    tone: str = "info"
    items: list[AmendmentItem] = field(default_factory=list)
    due_at: datetime.datetime | None = None


def cycle_next_step(cycle: Cycle) -> NextStep:
    status = cycle.status
    if status == CycleStatus.DRAFT:
        if cycle.is_recertification:
            pending = Answer.objects.filter(cycle=cycle, carried_over=True).count()
            if pending:
                return NextStep(
                    _("Re-certification: confirm or change %(n)s carried-over answers, then submit.") % {"n": pending},
                    _(
                        "Each answer was copied from your last decided application. Confirm it when it still "
                        "holds, or change it; core answers must all be confirmed before you can submit."
                    ),
                    "warn",
                )
        return NextStep(
            _("Fill in the application, complete the case review, then submit."),
            _("The authorised representative signs the declaration and submits."),
        )
    if status == CycleStatus.SUBMITTED:
        return NextStep(
            _("Submitted: with the programme office, who checks the dossier is complete."),
            _("Nothing to do for now. The office passes the dossier to the assessors or returns it with reasons."),
        )
    if status == CycleStatus.RETURNED:
        event = last_return_reason(cycle)
        reason = event.reason if event else ""
        when = date_format(timezone.localtime(event.created_at), "DATE_FORMAT") if event else ""
        return NextStep(
            _("Returned by the office on %(date)s: fix what they list, then submit again.") % {"date": when},
            reason,
            "warn",
        )
    if status == CycleStatus.IN_ASSESSMENT:
        return NextStep(
            _("With the assessors."),
            _("They review the dossier and may ask for supplementary evidence; answer their requests on time."),
        )
    if status == CycleStatus.WITH_COMMITTEE:
        return NextStep(
            _("With the accreditation committee, which decides on the assessors' recommendation."),
        )
    if status == CycleStatus.AMENDING:
        current = current_amendment(cycle)
        items = list(current.items.all()) if current else []
        due = current.due_at if current else None
        when = date_format(timezone.localtime(due), "DATE_FORMAT") if due else ""
        overdue = bool(due and due < timezone.now())
        if overdue:
            return NextStep(
                _("The resubmission window closed on %(date)s.") % {"date": when},
                _("The decision stands. The programme office will close this round; you can apply again."),
                "error",
                items,
                due,
            )
        return NextStep(
            ngettext(
                "Amend this requirement by %(date)s, then submit again.",
                "Amend these %(n)s requirements by %(date)s, then submit again.",
                len(items),
            )
            % {"n": len(items), "date": when},
            _("Everything else is carried over from the decided application as it was."),
            "warn",
            items,
            due,
        )
    return NextStep(_("Decided: the committee's decision and letter are with the facility."), tone="ok")


# ----------------------------------------------------------------------------- dossier revisions and changes


def latest_dossier(cycle: Cycle) -> Dossier | None:
    """The newest dossier revision of the cycle (the one under assessment or decided), or None."""
    return Dossier.objects.filter(cycle=cycle).select_related("signed_by").order_by("-number").first()


def dossier_revisions(cycle: Cycle) -> list[Dossier]:
    """Every dossier revision of the cycle, newest first, without their snapshots."""
    return list(Dossier.objects.filter(cycle=cycle).select_related("signed_by").defer("snapshot").order_by("-number"))


@dataclass(frozen=True)
class EvidenceChange:
    title: str
    sha256: str | None
    document: str


@dataclass
class RequirementChange:
    """How one requirement's answer differs between two dossiers (matched by reference, e.g. "4b")."""

    requirement: str
    standard: int
    core: bool
    kind: str  # "changed", "added" (only in the newer), "removed" (only in the older)
    claim_before: str = ""
    claim_after: str = ""
    narrative_before: str = ""
    narrative_after: str = ""
    na_reason_before: str = ""
    na_reason_after: str = ""
    evidence_added: list[EvidenceChange] = field(default_factory=list)
    evidence_removed: list[EvidenceChange] = field(default_factory=list)

    @property
    def claim_changed(self) -> bool:
        return self.claim_before != self.claim_after

    @property
    def narrative_changed(self) -> bool:
        return self.narrative_before != self.narrative_after

    @property
    def na_reason_changed(self) -> bool:
        return self.na_reason_before != self.na_reason_after

    @property
    def evidence_changed(self) -> bool:
        return bool(self.evidence_added or self.evidence_removed)


def _evidence_keys(entry: dict[str, Any]) -> dict[tuple[str, str], EvidenceChange]:
    """An answer's evidence by what identifies its content: the file's SHA-256, or the document
    when it is declared available on request (no file)."""
    keys: dict[tuple[str, str], EvidenceChange] = {}
    for item in entry.get("evidence", []):
        revision = item.get("revision")
        sha = revision.get("sha256") if revision else None
        key = ("sha256", sha) if sha else ("document", item["document"])
        keys[key] = EvidenceChange(title=item.get("title", ""), sha256=sha, document=item["document"])
    return keys


def snapshot_changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[RequirementChange]:
    """The requirements whose claim, narrative, reason or evidence differ between two snapshots."""
    before = {a["requirement"]: a for a in (old or {}).get("answers", [])}
    after = {a["requirement"]: a for a in new.get("answers", [])}
    changes: list[RequirementChange] = []
    order = [a["requirement"] for a in new.get("answers", [])] + [ref for ref in before if ref not in after]
    for ref in order:
        a, b = before.get(ref), after.get(ref)
        entry = b or a
        assert entry is not None
        change = RequirementChange(
            requirement=ref,
            standard=int(entry.get("standard", 0)),
            core=bool(entry.get("core")),
            kind="changed" if a and b else ("added" if b else "removed"),
            claim_before=(a or {}).get("claim", ""),
            claim_after=(b or {}).get("claim", ""),
            narrative_before=(a or {}).get("narrative", ""),
            narrative_after=(b or {}).get("narrative", ""),
            na_reason_before=(a or {}).get("na_reason", ""),
            na_reason_after=(b or {}).get("na_reason", ""),
        )
        old_evidence, new_evidence = _evidence_keys(a or {}), _evidence_keys(b or {})
        change.evidence_added = [v for k, v in new_evidence.items() if k not in old_evidence]
        change.evidence_removed = [v for k, v in old_evidence.items() if k not in new_evidence]
        if change.kind != "changed" or (
            change.claim_changed or change.narrative_changed or change.na_reason_changed or change.evidence_changed
        ):
            changes.append(change)
    return changes


def dossier_changes(old: Dossier | None, new: Dossier) -> list[RequirementChange]:
    """What changed from one dossier revision to a later one: per requirement, claim, narrative,
    reason and evidence (files added or removed, by SHA-256). Unchanged requirements are left out."""
    return snapshot_changes(old.snapshot if old is not None else None, new.snapshot)


def previous_dossier(dossier: Dossier) -> Dossier | None:
    """The revision before this one in the same cycle."""
    return Dossier.objects.filter(cycle_id=dossier.cycle_id, number__lt=dossier.number).order_by("-number").first()


def cycle_changes_since_previous(cycle: Cycle) -> list[RequirementChange] | None:
    """A re-certification against the final dossier of the decided cycle it continues from.

    Uses the cycle's latest dossier, or its current answers while it is not submitted yet.
    None when the cycle continues from nothing (an initial application).
    """
    if cycle.previous_id is None:
        return None
    earlier = latest_dossier(Cycle(pk=cycle.previous_id))
    current = latest_dossier(cycle)
    if current is not None and cycle.status not in EDITABLE_CYCLE_STATES:
        new_snapshot = current.snapshot
    else:
        from iasios.applications.dossier import answer_entries

        new_snapshot = {"answers": answer_entries(cycle)[0]}
    return snapshot_changes(earlier.snapshot if earlier else None, new_snapshot)


@dataclass
class CarriedOver:
    """A re-certification's answers still to confirm or change, and what the new standards changed."""

    pending: int
    pending_core: int
    new: list[str]
    removed: list[str]
    from_framework: str


def carried_over_summary(cycle: Cycle) -> CarriedOver:
    counts = Answer.objects.filter(cycle=cycle, carried_over=True).aggregate(
        pending=Count("pk"), pending_core=Count("pk", filter=Q(requirement__core=True))
    )
    report = cycle.carry_over or {}
    return CarriedOver(
        pending=counts["pending"],
        pending_core=counts["pending_core"],
        new=list(report.get("new", [])),
        removed=list(report.get("removed", [])),
        from_framework=str(report.get("from_framework", "")),
    )
