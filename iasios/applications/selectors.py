"""Reads of the application: progress, gaps, blockers, the pages' data. A fixed number of queries each."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from iasios.accounts.roles import FacilityRoleName
from iasios.applications import integration
from iasios.applications.access import can_submit_cycle
from iasios.applications.models import (
    CLAIMS_NEEDING_EVIDENCE,
    Answer,
    AnswerComment,
    Claim,
    Cycle,
    CycleStatus,
    EvidenceDocument,
    EvidenceLink,
    EvidenceRevision,
)
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


def cycle_blockers(cycle: Cycle) -> list[Blocker]:
    """Everything about the cycle itself that stops a submission (the signer is checked apart)."""
    blockers: list[Blocker] = []
    if cycle.status != CycleStatus.DRAFT:
        return [Blocker(_("This application has already been submitted."))]
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
    review = integration.case_review_status(cycle)
    if not review.complete:
        details = "; ".join(review.blockers) if review.blockers else ""
        message = _("The internal case review is not complete (%(done)s of %(required)s cases reviewed).") % {
            "done": review.reviewed,
            "required": review.required,
        }
        blockers.append(Blocker(f"{message} {details}".strip(), review.url))
    return blockers


def submission_blockers(cycle: Cycle, user: Any) -> list[Blocker]:
    blockers = cycle_blockers(cycle)
    if cycle.status == CycleStatus.DRAFT and not can_submit_cycle(user, cycle):
        representative = representative_of(cycle.facility)
        blockers.append(
            Blocker(
                _("Only the authorised representative (%(name)s) can sign the declaration and submit.")
                % {"name": representative or _("not named yet")},
                reverse("facilities:dashboard", args=[cycle.facility_id]),
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


def standard_answers(cycle: Cycle, standard: Standard) -> list[Answer]:
    """The answers of one standard with their evidence, latest revisions and comments."""
    return list(
        answers_with_state(cycle)
        .filter(requirement__standard=standard)
        .select_related("assignee", "updated_by")
        .prefetch_related(
            Prefetch("links", queryset=EvidenceLink.objects.select_related("document")),
            Prefetch("links__document__revisions", queryset=revisions_newest_first()),
            Prefetch("comments", queryset=AnswerComment.objects.select_related("author")),
        )
    )


def library_documents(facility: Facility) -> list[EvidenceDocument]:
    """The evidence library with the revisions and the requirements each document supports."""
    return list(
        EvidenceDocument.objects.filter(facility=facility)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("revisions", queryset=revisions_newest_first()),
            Prefetch(
                "links",
                queryset=EvidenceLink.objects.select_related("answer__requirement__standard", "answer__cycle"),
            ),
        )
        .order_by("title", "created_at")
    )


def library_choices(facility: Facility) -> list[EvidenceDocument]:
    """Documents for the "link evidence" pickers (titles only)."""
    return list(EvidenceDocument.objects.filter(facility=facility).only("id", "title").order_by("title"))


def cycles_of_facility(facility: Facility) -> QuerySet[Cycle]:
    return Cycle.objects.filter(facility=facility).select_related("framework").order_by("-created_at")
