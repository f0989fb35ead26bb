"""The assessment of a submitted cycle: the assessor pool, assignments, ratings, evidence requests,
the optional visit, the office's reconciliation and its override of the proposed outcome.

Writes go through services.py; reads through selectors.py; who may do what is in access.py.
State fields change only through the lifecycles in lifecycle.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from iasios.core.models import BaseModel


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Available")
    LIMITED = "limited", _("Limited")
    UNAVAILABLE = "unavailable", _("Unavailable")


class AssessorProfile(BaseModel):
    """A person of the assessor pool: where they work (for conflicts), what they know, when they can."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessor_profile")
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code."))
    institution = models.CharField(_("institution"), max_length=200)
    expertise_categories = models.JSONField(
        _("procedure categories"),
        default=list,
        blank=True,
        help_text=_("Codes of the programme's procedure categories."),
    )
    expertise_note = models.TextField(_("other expertise"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True, help_text=_("E.g. English, French."))
    availability = models.CharField(
        _("availability"), max_length=20, choices=Availability.choices, default=Availability.AVAILABLE
    )
    availability_note = models.CharField(_("availability note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["user__name", "user__email"]
        verbose_name = _("assessor profile")

    def __str__(self) -> str:
        return str(self.user)


class AssignmentStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    SUBMITTED = "submitted", _("Review submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Assignments that occupy one of the cycle's two places.
ACTIVE_ASSIGNMENT_STATES = frozenset({AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED})
# Assignments whose assessor works on the cycle (sees the dossier and the evidence).
WORKING_ASSIGNMENT_STATES = frozenset({AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED})


class Assignment(BaseModel):
    """One assessor on one cycle."""

    cycle = models.ForeignKey("applications.Cycle", on_delete=models.PROTECT, related_name="assignments")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PROPOSED,
        editable=False,
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    no_conflict = models.BooleanField(_("no conflict of interest"), default=False, editable=False)
    declared_interests = models.TextField(_("declared interests"), blank=True, editable=False)
    responded_at = models.DateTimeField(_("responded"), null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("review submitted"), null=True, blank=True, editable=False)
    # The dossier revision the submitted review rated (a resubmission reopens the review).
    submitted_dossier = models.ForeignKey(
        "applications.Dossier", on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("assignment")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "assessor"],
                condition=Q(
                    status__in=[AssignmentStatus.PROPOSED, AssignmentStatus.ACCEPTED, AssignmentStatus.SUBMITTED]
                ),
                name="one_active_assignment_per_assessor_and_cycle",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor} · {self.cycle}"

    @property
    def is_working(self) -> bool:
        return self.status in WORKING_ASSIGNMENT_STATES

    @property
    def is_proposed(self) -> bool:
        return self.status == AssignmentStatus.PROPOSED

    @property
    def is_submitted(self) -> bool:
        return self.status == AssignmentStatus.SUBMITTED


class Rating(models.TextChoices):
    MET = "met", _("Met")
    PARTLY_MET = "partly_met", _("Partly met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class RequirementRating(BaseModel):
    """An assessor's rating of one requirement, against one dossier revision."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="ratings")
    requirement = models.ForeignKey("standards.Requirement", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    dossier = models.ForeignKey("applications.Dossier", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["requirement__position"]
        verbose_name = _("rating")
        constraints = [
            models.UniqueConstraint(fields=["assignment", "requirement"], name="one_rating_per_assignment_requirement")
        ]

    def __str__(self) -> str:
        return f"{self.requirement} · {self.rating}"


class ConsolidatedRating(BaseModel):
    """The office's rating of one requirement after reconciling both assessors."""

    cycle = models.ForeignKey("applications.Cycle", on_delete=models.CASCADE, related_name="consolidated_ratings")
    requirement = models.ForeignKey("standards.Requirement", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("consolidated rating"), max_length=20, choices=Rating.choices)
    note = models.TextField(_("note"), blank=True)
    dossier = models.ForeignKey("applications.Dossier", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["requirement__position"]
        verbose_name = _("consolidated rating")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "requirement"], name="one_consolidated_per_requirement")
        ]

    def __str__(self) -> str:
        return f"{self.requirement} · {self.rating}"


class Outcome(models.TextChoices):
    ACCREDITED = "accredited", _("Accredited")
    CENTRE_OF_EXCELLENCE = "centre_of_excellence", _("Centre of excellence")
    AREAS_TO_AMEND = "areas_to_amend", _("Areas to amend")
    NOT_ACCREDITED = "not_accredited", _("Not accredited")


class OutcomeOverride(BaseModel):
    """The office's change of the rule engine's proposal, with the reason (one per cycle; events keep the past)."""

    cycle = models.OneToOneField("applications.Cycle", on_delete=models.CASCADE, related_name="outcome_override")
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("outcome override")

    def __str__(self) -> str:
        return f"{self.cycle} · {self.outcome}"


class EvidenceRequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    ACCEPTED = "accepted", _("Accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EvidenceRequest(BaseModel):
    """An assessor's request for supplementary evidence on one requirement."""

    cycle = models.ForeignKey("applications.Cycle", on_delete=models.PROTECT, related_name="evidence_requests")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="evidence_requests")
    requirement = models.ForeignKey("standards.Requirement", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=EvidenceRequestStatus.choices,
        default=EvidenceRequestStatus.OPEN,
        editable=False,
    )
    due_on = models.DateField(_("due"))
    opened_at = models.DateTimeField(_("opened"), editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("evidence request")
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self) -> str:
        return f"{self.requirement} · {self.cycle}"

    @property
    def is_open(self) -> bool:
        return self.status == EvidenceRequestStatus.OPEN

    @property
    def is_accepted(self) -> bool:
        return self.status == EvidenceRequestStatus.ACCEPTED


class MessageKind(models.TextChoices):
    QUESTION = "question", _("Question")
    ANSWER = "answer", _("Answer")


class EvidenceRequestMessage(BaseModel):
    """One turn of a request: the assessor's question (or follow-up) or the facility's answer."""

    request = models.ForeignKey(EvidenceRequest, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=10, choices=MessageKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("text"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    revisions = models.ManyToManyField(
        "applications.EvidenceRevision", blank=True, related_name="+", verbose_name=_("evidence")
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("evidence request message")

    def __str__(self) -> str:
        return f"{self.kind}: {self.body[:40]}"


class VisitKind(models.TextChoices):
    REMOTE = "remote", _("Remote")
    ON_SITE = "on_site", _("On site")


class Visit(BaseModel):
    """An optional remote or on-site visit of a cycle."""

    cycle = models.OneToOneField("applications.Cycle", on_delete=models.CASCADE, related_name="visit")
    kind = models.CharField(_("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.REMOTE)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    visitors = models.TextField(_("visitors"), help_text=_("One per line: name and role."))
    agenda = models.TextField(_("agenda"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visit")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.cycle}"


class VisitFinding(BaseModel):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="findings")
    requirement = models.ForeignKey("standards.Requirement", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("finding"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["requirement__position", "created_at"]
        verbose_name = _("visit finding")

    def __str__(self) -> str:
        return f"{self.requirement}: {self.text[:40]}"
