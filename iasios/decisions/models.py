"""Committee decisions (with their votes, conditions and corrective actions), appeals and awards.

Writes go through services.py, reads through selectors.py, who may do what is in access.py; the
lifecycles (decision, corrective action, appeal, award) are tables in lifecycle.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iasios.core.models import BaseModel


class Outcome(models.TextChoices):
    ACCREDITED = "accredited", _("Accredited")
    CENTRE_OF_EXCELLENCE = "centre_of_excellence", _("Centre of Excellence")
    AREAS_TO_AMEND = "areas_to_amend", _("Areas to amend")
    NOT_ACCREDITED = "not_accredited", _("Not accredited")


# Outcomes that grant an award, and the level each grants.
AWARDING_OUTCOMES = frozenset({Outcome.ACCREDITED, Outcome.CENTRE_OF_EXCELLENCE})


class DecisionStatus(models.TextChoices):
    VOTING = "voting", _("Voting")
    DECIDED = "decided", _("Decided")
    SET_ASIDE = "set_aside", _("Set aside on appeal")


class Decision(BaseModel):
    """One decision round of the committee on a cycle: open for votes, then taken.

    A round is opened when a cycle reaches the committee (and again after an upheld appeal);
    the decision is taken by the vote that completes a quorum with a majority for one outcome.
    The dossier it refers to is fixed when it is taken, by its SHA-256.
    """

    cycle = models.ForeignKey("applications.Cycle", on_delete=models.PROTECT, related_name="decisions")
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    status = models.CharField(
        _("status"), max_length=16, choices=DecisionStatus.choices, default=DecisionStatus.VOTING, editable=False
    )
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True, editable=False)
    recommended_outcome = models.CharField(
        _("recommended outcome"), max_length=24, choices=Outcome.choices, blank=True, editable=False
    )
    dossier_sha256 = models.CharField(_("dossier SHA-256"), max_length=64, blank=True, editable=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    areas_to_amend = models.ManyToManyField(
        "standards.Requirement", blank=True, related_name="+", verbose_name=_("areas to amend")
    )
    resubmit_by = models.DateField(_("resubmit by"), null=True, blank=True, editable=False)
    # Members who may not vote in this round: those who took part in a decision set aside on appeal.
    excluded_members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("excluded members")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("decision")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "round"], name="one_decision_per_round"),
            models.UniqueConstraint(
                fields=["cycle"], condition=Q(status=DecisionStatus.VOTING), name="one_open_decision_round_per_cycle"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} · {_('round')} {self.round}"

    @property
    def is_taken(self) -> bool:
        return self.status == DecisionStatus.DECIDED

    @property
    def is_set_aside(self) -> bool:
        return self.status == DecisionStatus.SET_ASIDE


class Vote(BaseModel):
    """One committee member's vote in one decision round."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("vote"), max_length=24, choices=Outcome.choices)
    comment = models.TextField(_("comment"), blank=True)
    conditions = models.TextField(_("proposed conditions"), blank=True, help_text=_("One a line."))
    areas = models.CharField(
        _("areas to amend"),
        max_length=300,
        blank=True,
        help_text=_("Requirement references beyond those the assessors flagged, e.g. “1c 4b”."),
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("vote")
        constraints = [models.UniqueConstraint(fields=["decision", "member"], name="one_vote_per_member_per_round")]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_outcome_display()}"


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    VERIFIED = "verified", _("Verified")


class CorrectiveAction(BaseModel):
    """Something the facility must put right, by a date, verified later by the office."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="corrective_actions")
    description = models.TextField(_("corrective action"))
    owner = models.CharField(_("owner at the facility"), max_length=150, help_text=_("A name or a role."))
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN, editable=False
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True, editable=False)
    verification_note = models.TextField(_("verification note"), blank=True, editable=False)

    class Meta:
        ordering = ["due_on", "created_at"]
        verbose_name = _("corrective action")

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def is_verified(self) -> bool:
        return self.status == ActionStatus.VERIFIED


class AppealStatus(models.TextChoices):
    LODGED = "lodged", _("Lodged")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Appeal(BaseModel):
    """The facility's appeal against a decision, heard by members who took no part in it."""

    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="appeals")
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lodged_on = models.DateField(_("lodged on"))
    grounds = models.TextField(_("grounds"))
    documents = models.ManyToManyField(
        "applications.EvidenceDocument", blank=True, related_name="+", verbose_name=_("supporting documents")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.LODGED, editable=False
    )
    # The panel the office appointed (committee members who took no part in the decision, or members
    # for appeals only, at least the quorum); until one is appointed, any such member may hear it.
    panel = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="appeal_panels", verbose_name=_("appeal panel")
    )
    panel_appointed_on = models.DateField(_("panel appointed on"), null=True, blank=True, editable=False)
    heard_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True, editable=False)
    reasons = models.TextField(_("reasons"), blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("appeal")
        constraints = [
            models.UniqueConstraint(fields=["decision"], name="one_appeal_per_decision"),
        ]

    def __str__(self) -> str:
        return f"{_('Appeal')} · {self.decision}"

    @property
    def is_lodged(self) -> bool:
        return self.status == AppealStatus.LODGED

    @property
    def is_upheld(self) -> bool:
        return self.status == AppealStatus.UPHELD


class AwardLevel(models.TextChoices):
    ACCREDITED = "accredited", _("Accredited Centre")
    CENTRE_OF_EXCELLENCE = "centre_of_excellence", _("Centre of Excellence")


class AwardStatus(models.TextChoices):
    # Granted by a re-certification while the current award runs: it starts the day after that
    # one ends (docs/decisions/0018-award-succession.md).
    PENDING = "pending", _("Not yet in force")
    VALID = "valid", _("Valid")
    SUSPENDED = "suspended", _("Suspended")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")


# An award in one of these states is the facility's current award; there is at most one.
CURRENT_AWARD_STATES = frozenset({AwardStatus.VALID, AwardStatus.SUSPENDED})
# A granted award that has not ended or been taken back: the current one and the next one.
STANDING_AWARD_STATES = CURRENT_AWARD_STATES | {AwardStatus.PENDING}


class Award(BaseModel):
    """Accredited Centre or Centre of Excellence status, granted by a decision for a term."""

    facility = models.ForeignKey("facilities.Facility", on_delete=models.PROTECT, related_name="awards")
    cycle = models.ForeignKey("applications.Cycle", on_delete=models.PROTECT, related_name="awards")
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="award")
    level = models.CharField(_("level"), max_length=24, choices=AwardLevel.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=12, choices=AwardStatus.choices, default=AwardStatus.VALID, editable=False
    )
    status_changed_on = models.DateField(_("status since"), null=True, blank=True, editable=False)
    status_reason = models.TextField(_("reason"), blank=True, editable=False)

    class Meta:
        ordering = ["-valid_from", "-created_at"]
        verbose_name = _("award")
        constraints = [
            models.UniqueConstraint(
                fields=["facility"],
                condition=Q(status__in=[AwardStatus.VALID, AwardStatus.SUSPENDED]),
                name="one_current_award_per_facility",
            ),
            models.UniqueConstraint(
                fields=["facility"], condition=Q(status=AwardStatus.PENDING), name="one_pending_award_per_facility"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility} · {self.get_level_display()} · {self.valid_from:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        return self.status == AwardStatus.PENDING
