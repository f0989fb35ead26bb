"""The internal case review of a cycle: procedure log, seeded sample, reviews per case.

ProcedureLog (one per cycle) → ProcedureCase rows (pseudonymised: reference, date, category).
SampleDraw (one per log) → SampledCase rows at their positions in the seeded sequence; an
excluded case stays, with its reason, and the case at the next position replaces it.
CaseReview (one per sampled case) → CaseReviewAnswer per checklist item of the framework.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from iasios.core.models import BaseModel


class ProcedureLog(BaseModel):
    """The accepted log of one cycle. Stored only once the whole file validated."""

    cycle = models.OneToOneField("applications.Cycle", on_delete=models.CASCADE, related_name="procedure_log")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"), help_text=_("Inclusive."))
    row_count = models.PositiveIntegerField(_("rows"))
    # SHA-256 of the canonical form of the rows (see sampling.canonical_log_text); the draw is
    # bound to it, so it must be recomputable from the stored rows alone.
    sha256 = models.CharField(_("log SHA-256"), max_length=64)
    # SHA-256 of the uploaded bytes, for the uploader's own records only.
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=120, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("procedure log")

    def __str__(self) -> str:
        return f"{self.row_count} procedures · {self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class ProcedureCase(models.Model):
    log = models.ForeignKey(ProcedureLog, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField(_("case reference"), max_length=40)
    procedure_date = models.DateField(_("procedure date"))
    category = models.CharField(_("category"), max_length=40)
    row_number = models.PositiveIntegerField(_("row in the file"))

    class Meta:
        ordering = ["reference"]
        verbose_name = _("procedure case")
        constraints = [models.UniqueConstraint(fields=["log", "reference"], name="unique_case_reference_per_log")]

    def __str__(self) -> str:
        return self.reference


class ProcedureLogUpload(BaseModel):
    """Every upload attempt with its outcome and its error report (never the cell values)."""

    cycle = models.ForeignKey("applications.Cycle", on_delete=models.CASCADE, related_name="procedure_log_uploads")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=120, blank=True)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    accepted = models.BooleanField(_("accepted"), default=False)
    row_count = models.PositiveIntegerField(_("data rows"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("procedure log upload")

    def __str__(self) -> str:
        return f"{self.file_name} · {'accepted' if self.accepted else 'refused'}"


class SampleDraw(BaseModel):
    log = models.OneToOneField(ProcedureLog, on_delete=models.CASCADE, related_name="draw")
    seed = models.CharField(_("seed"), max_length=64)
    algorithm = models.CharField(_("algorithm"), max_length=40)
    log_sha256 = models.CharField(_("log SHA-256 at the draw"), max_length=64)
    sample_size = models.PositiveSmallIntegerField(_("sample size"))
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)

    class Meta:
        verbose_name = _("sample draw")

    def __str__(self) -> str:
        return f"{self.algorithm} · {self.seed}"


class SampledCase(models.Model):
    draw = models.ForeignKey(SampleDraw, on_delete=models.CASCADE, related_name="sampled_cases")
    case = models.ForeignKey(ProcedureCase, on_delete=models.CASCADE, related_name="+")
    # 1-based position in the seeded sequence: 1…N are the sample, N+1… the replacements.
    position = models.PositiveIntegerField(_("position"))
    replaces = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    excluded_reason = models.TextField(_("reason for exclusion"), blank=True)
    excluded_at = models.DateTimeField(_("excluded"), null=True, blank=True)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("sampled case")
        constraints = [models.UniqueConstraint(fields=["draw", "position"], name="unique_sample_position")]

    def __str__(self) -> str:
        return f"#{self.position}"

    @property
    def excluded(self) -> bool:
        return self.excluded_at is not None


class ReviewAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class CIRSEGrade(models.IntegerChoices):
    """The CIRSE classification of complications (DOMAIN.md §5)."""

    NONE = 0, _("0 · No complication")
    GRADE_1 = 1, _("1 · Resolved in the same session")
    GRADE_2 = 2, _("2 · Longer observation, up to 48 h")
    GRADE_3 = 3, _("3 · Further therapy or a stay beyond 48 h")
    GRADE_4 = 4, _("4 · Permanent mild sequelae")
    GRADE_5 = 5, _("5 · Permanent severe sequelae")
    GRADE_6 = 6, _("6 · Death")


class CaseReview(BaseModel):
    sampled_case = models.OneToOneField(SampledCase, on_delete=models.CASCADE, related_name="review")
    complication_grade = models.PositiveSmallIntegerField(
        _("complication grade"), choices=CIRSEGrade.choices, null=True, blank=True
    )
    # Every checklist item answered (and the grade given where required); set by the service.
    complete = models.BooleanField(_("complete"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("case review")

    def __str__(self) -> str:
        return f"review of {self.sampled_case}"


class CaseReviewAnswer(models.Model):
    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey("standards.ChecklistItem", on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=3, choices=ReviewAnswer.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["item__position"]
        verbose_name = _("checklist answer")
        constraints = [models.UniqueConstraint(fields=["review", "item"], name="one_answer_per_item")]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.answer}"
