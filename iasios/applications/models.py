"""Cycles (one application from first draft to decision), answers, evidence and dossiers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from iasios.core.models import BaseModel


class CycleKind(models.TextChoices):
    INITIAL = "initial", _("Initial accreditation")
    RECERTIFICATION = "recertification", _("Re-certification")


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


class Cycle(BaseModel):
    """One application of a facility, pinned to the framework version current when it started."""

    facility = models.ForeignKey("facilities.Facility", on_delete=models.PROTECT, related_name="cycles")
    framework = models.ForeignKey("standards.FrameworkVersion", on_delete=models.PROTECT, related_name="cycles")
    kind = models.CharField(_("kind"), max_length=20, choices=CycleKind.choices, default=CycleKind.INITIAL)
    status = models.CharField(
        _("status"), max_length=24, choices=CycleStatus.choices, default=CycleStatus.DRAFT, editable=False
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("cycle")

    def __str__(self) -> str:
        return f"{self.facility} · {self.get_kind_display()} · {self.created_at:%Y-%m-%d}"
