"""Cycles (one application from first draft to decision), answers, evidence and dossiers.

Writes go through services.py; reads through selectors.py; who may do what is in access.py.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from iasios.applications.filetypes import honest_file_name
from iasios.core.models import BaseModel


class CycleKind(models.TextChoices):
    INITIAL = "initial", _("Initial accreditation")
    RECERTIFICATION = "recertification", _("Re-certification")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned by the office")
    IN_ASSESSMENT = "in_assessment", _("In assessment")
    WITH_COMMITTEE = "with_committee", _("With the committee")
    DECIDED = "decided", _("Decided")
    AMENDING = "amending", _("Amending")


class CycleAim(models.TextChoices):
    """What a cycle applies for; a re-certification may aim higher after a full term."""

    ACCREDITED = "accredited", _("Accredited Centre")
    CENTRE_OF_EXCELLENCE = "centre_of_excellence", _("Centre of Excellence")


# A decided cycle is closed; every other state is "open": a facility has at most one open cycle
# at a time (the partial unique constraint below says the same to the database).
CLOSED_CYCLE_STATES = frozenset({CycleStatus.DECIDED})
OPEN_CYCLE_STATES = frozenset(set(CycleStatus) - CLOSED_CYCLE_STATES)
# States in which the facility's team writes to the cycle (in amending, only the reopened answers).
EDITABLE_CYCLE_STATES = frozenset({CycleStatus.DRAFT, CycleStatus.RETURNED, CycleStatus.AMENDING})
# States in which the whole application is open to change (answers, links, case review).
FULLY_EDITABLE_CYCLE_STATES = frozenset({CycleStatus.DRAFT, CycleStatus.RETURNED})


class CycleQuerySet(models.QuerySet["Cycle"]):
    def open(self) -> CycleQuerySet:
        return self.filter(status__in=OPEN_CYCLE_STATES)

    def decided(self) -> CycleQuerySet:
        return self.filter(status=CycleStatus.DECIDED)


class Cycle(BaseModel):
    """One application of a facility, pinned to the framework version current when it started."""

    facility = models.ForeignKey("facilities.Facility", on_delete=models.PROTECT, related_name="cycles")
    framework = models.ForeignKey("standards.FrameworkVersion", on_delete=models.PROTECT, related_name="cycles")
    kind = models.CharField(_("kind"), max_length=20, choices=CycleKind.choices, default=CycleKind.INITIAL)
    aim = models.CharField(_("aim"), max_length=24, choices=CycleAim.choices, default=CycleAim.ACCREDITED)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("continues from"),
        help_text=_("For a re-certification: the decided cycle its answers were carried over from."),
    )
    # For a re-certification: requirement references new in this framework version (start empty)
    # and those of the previous cycle that no longer exist (dropped), as {"new": [...], "removed": [...]}.
    carry_over = models.JSONField(_("carried over"), default=dict, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=24, choices=CycleStatus.choices, default=CycleStatus.DRAFT, editable=False
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("signed by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)

    objects = CycleQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cycle")
        constraints = [
            # At most one open cycle per facility (the service says why; this keeps races out).
            models.UniqueConstraint(
                fields=["facility"],
                condition=~Q(status__in=sorted(CLOSED_CYCLE_STATES)),
                name="one_open_cycle_per_facility",
            )
        ]

    def __str__(self) -> str:
        return f"{self.facility} · {self.get_kind_display()} · {self.created_at:%Y-%m-%d}"

    @property
    def is_draft(self) -> bool:
        return self.status == CycleStatus.DRAFT

    @property
    def is_returned(self) -> bool:
        return self.status == CycleStatus.RETURNED

    @property
    def is_amending(self) -> bool:
        return self.status == CycleStatus.AMENDING

    @property
    def is_decided(self) -> bool:
        return self.status == CycleStatus.DECIDED

    @property
    def is_with_facility(self) -> bool:
        """Draft, returned or amending: the facility works on it and (re)submits it."""
        return self.status in EDITABLE_CYCLE_STATES

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CYCLE_STATES

    @property
    def is_recertification(self) -> bool:
        return self.kind == CycleKind.RECERTIFICATION


class Claim(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


# Claims that assert something the evidence has to show.
CLAIMS_NEEDING_EVIDENCE = frozenset({Claim.MET, Claim.PARTLY_MET})


class Answer(BaseModel):
    """The facility's answer to one requirement in one cycle.

    `revision` counts saves: a save names the revision it started from and is refused when
    someone saved in between, so that two people editing one answer never lose text.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="answers")
    requirement = models.ForeignKey("standards.Requirement", on_delete=models.PROTECT, related_name="answers")
    claim = models.CharField(_("claim"), max_length=20, choices=Claim.choices, blank=True)
    na_reason = models.TextField(_("reason it does not apply"), blank=True)
    narrative = models.TextField(_("narrative"), blank=True, help_text=_("Markdown."))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_answers",
        verbose_name=_("assignee"),
    )
    revision = models.PositiveIntegerField(_("revision"), default=0, editable=False)
    # Re-certification: copied from the previous cycle and not yet confirmed or changed by a person.
    carried_over = models.BooleanField(_("carried over, to confirm"), default=False, editable=False)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    documents: models.ManyToManyField[EvidenceDocument, EvidenceLink] = models.ManyToManyField(
        "EvidenceDocument", through="EvidenceLink", related_name="answers", verbose_name=_("evidence")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["requirement__position"]
        verbose_name = _("answer")
        constraints = [models.UniqueConstraint(fields=["cycle", "requirement"], name="one_answer_per_requirement")]

    def __str__(self) -> str:
        return f"{self.requirement.reference} · {self.cycle.facility}"

    @property
    def is_answered(self) -> bool:
        return bool(self.claim)


class AnswerComment(BaseModel):
    """The facility team's internal discussion of an answer (not part of the dossier)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"))

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class EvidenceDocument(BaseModel):
    """A document of a facility's evidence library; its files are its revisions."""

    facility = models.ForeignKey("facilities.Facility", on_delete=models.PROTECT, related_name="evidence_documents")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    effective_on = models.DateField(_("takes effect on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    available_on_request = models.BooleanField(
        _("available on request"),
        default=False,
        help_text=_("The document exists and will be shown to assessors when they ask, but is not uploaded."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "created_at"]
        verbose_name = _("evidence document")

    def __str__(self) -> str:
        return self.title

    def latest_revision(self) -> EvidenceRevision | None:
        """The newest revision; uses prefetched revisions when present (newest first)."""
        revisions = list(self.revisions.all())
        return revisions[0] if revisions else None


class EvidenceRevision(BaseModel):
    """One uploaded file of a document. Never changed: a new file is a new revision."""

    document = models.ForeignKey(EvidenceDocument, on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    # The storage key is generated; the name the uploader's computer gave the file is kept,
    # sanitised, only to be shown and offered as the download name.
    storage_key = models.CharField(max_length=255, unique=True, editable=False)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("evidence revision")
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_revision_number")]

    def __str__(self) -> str:
        return f"{self.document} r{self.number}"

    @property
    def download_name(self) -> str:
        """The name a download is offered under: the extension of the type read from the bytes,
        also for a revision received before names were made to match (docs/decisions/0006)."""
        return honest_file_name(self.original_name, self.kind)


class EvidenceLink(models.Model):
    """An evidence document supporting one answer."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="links")
    document = models.ForeignKey(EvidenceDocument, on_delete=models.PROTECT, related_name="links")
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["linked_at", "id"]
        constraints = [models.UniqueConstraint(fields=["answer", "document"], name="one_link_per_answer_document")]

    def __str__(self) -> str:
        return f"{self.answer} ← {self.document}"


class AmendmentRound(BaseModel):
    """An "areas to amend" decision reopened these answers of a decided cycle until `due_at`.

    The answers not listed are carried over unchanged into the next dossier revision.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="amendment_rounds")
    number = models.PositiveIntegerField(_("round"))
    due_at = models.DateTimeField(_("resubmit by"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answers: models.ManyToManyField[Answer, AmendmentItem] = models.ManyToManyField(
        Answer, through="AmendmentItem", related_name="amendment_rounds"
    )

    class Meta:
        ordering = ["cycle", "-number"]
        verbose_name = _("amendment round")
        constraints = [models.UniqueConstraint(fields=["cycle", "number"], name="unique_amendment_round")]

    def __str__(self) -> str:
        return f"{self.cycle} · amendment {self.number}"


class AmendmentItem(models.Model):
    """One reopened answer of an amendment round, with the committee's reason when given."""

    round = models.ForeignKey(AmendmentRound, on_delete=models.CASCADE, related_name="items")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="amendment_items")
    reason = models.TextField(_("what to amend"), blank=True)

    class Meta:
        ordering = ["answer__requirement__position"]
        constraints = [models.UniqueConstraint(fields=["round", "answer"], name="one_item_per_round_answer")]

    def __str__(self) -> str:
        return f"{self.round} · {self.answer}"


class DossierIsFrozen(Exception):
    pass


class DossierQuerySet(models.QuerySet["Dossier"]):
    def update(self, **kwargs: Any) -> int:
        raise DossierIsFrozen(_("A dossier never changes once submitted."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise DossierIsFrozen(_("A dossier never changes once submitted."))


class Dossier(BaseModel):
    """The frozen submission of a cycle: a snapshot and the SHA-256 of its canonical JSON."""

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="dossiers")
    # 1 for the first submission, 2 for the resubmission after a return or an amendment round, …
    number = models.PositiveIntegerField(_("revision"), default=1)
    snapshot = models.JSONField()
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    declaration = models.TextField(_("declaration"))

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["cycle", "-number"]
        verbose_name = _("dossier")
        constraints = [models.UniqueConstraint(fields=["cycle", "number"], name="unique_dossier_revision")]

    def __str__(self) -> str:
        return f"{self.cycle} · r{self.number} · {self.sha256[:12]}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise DossierIsFrozen(_("A dossier never changes once submitted."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise DossierIsFrozen(_("A dossier never changes once submitted."))
