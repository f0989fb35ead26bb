"""The standards library: framework versions as read-only trees loaded from data files.

FrameworkVersion → Section → Standard → Requirement, plus the case review checklist and the
programme settings of that version. A loaded version never changes (the loader refuses a
different file under the same code and version); a new wording is a new version.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from iasios.core.models import BaseModel
from iasios.standards.programme import ProgrammeSettings
from iasios.standards.translations import TranslatedTexts


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Loaded, not in use")
    CURRENT = "current", _("Current")
    SUPERSEDED = "superseded", _("Superseded")


class FrameworkVersionQuerySet(models.QuerySet["FrameworkVersion"]):
    def current(self) -> FrameworkVersionQuerySet:
        return self.filter(status=FrameworkStatus.CURRENT)


class FrameworkVersion(TranslatedTexts, BaseModel):
    code = models.SlugField(_("code"), max_length=40)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    published_on = models.DateField(_("published"))
    notice = models.TextField(_("notice"), blank=True, help_text=_("E.g. that the texts are a working draft."))
    status = models.CharField(
        _("status"), max_length=12, choices=FrameworkStatus.choices, default=FrameworkStatus.DRAFT, editable=False
    )
    # The programme settings of DOMAIN.md, as loaded from the file (see programme.py).
    programme = models.JSONField(_("programme settings"))
    # SHA-256 of the normalised content (see loader.FrameworkData.content_sha256), so that a
    # comment or layout change does not count as a different version.
    source_sha256 = models.CharField(_("content SHA-256"), max_length=64)
    source_name = models.CharField(_("file name"), max_length=255)
    # The translations of the version's own texts (title, notice, translation_notice) and of the
    # procedure category labels, {language: {field: text}}; `translation_sha256` holds the
    # SHA-256 of each language's file as loaded. Neither is part of the content hash: a
    # translation is added or corrected without a new version (decision 0029).
    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)
    translation_sha256 = models.JSONField(_("translation files (SHA-256)"), default=dict, blank=True, editable=False)

    objects = FrameworkVersionQuerySet.as_manager()

    class Meta:
        ordering = ["code", "-published_on", "-version"]
        verbose_name = _("framework version")
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_framework_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(status=FrameworkStatus.CURRENT), name="one_current_version_per_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.code} {self.version})"

    @cached_property
    def settings(self) -> ProgrammeSettings:
        return ProgrammeSettings.from_dict(self.programme)

    def procedure_category_label(self, code: str, language: str | None = None) -> str:
        """The label of a procedure category in `language` (default: the active one), else English."""
        labels = self.translated_value("procedure_categories", {}, language)
        if isinstance(labels, dict) and labels.get(code):
            return str(labels[code])
        return dict(self.settings.procedure_categories).get(code, code)

    def procedure_categories_in(self, language: str | None = None) -> list[tuple[str, str]]:
        """(code, label) of every procedure category, the labels in `language` where translated."""
        return [
            (code, self.procedure_category_label(code, language)) for code, _l in self.settings.procedure_categories
        ]


class Section(TranslatedTexts, models.Model):
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)

    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="unique_section_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Standard(TranslatedTexts, models.Model):
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="standards")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="standards")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    # The list of required evidence that closes each standard.
    evidence = models.JSONField(_("required evidence"), default=list)

    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="unique_standard_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Requirement(TranslatedTexts, models.Model):
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="requirements")
    standard = models.ForeignKey(Standard, on_delete=models.CASCADE, related_name="requirements")
    letter = models.CharField(_("letter"), max_length=2)
    core = models.BooleanField(_("core"))
    text = models.TextField(_("requirement"))
    guidance = models.TextField(_("guidance"), blank=True)
    evidence = models.JSONField(_("required evidence"), default=list)
    position = models.PositiveIntegerField(default=0, help_text=_("Order within the framework."))

    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "letter"], name="unique_requirement_letter"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The reference used everywhere: standard number and letter, e.g. “1c”."""
        return f"{self.standard.number}{self.letter}"

    @property
    def tier(self) -> str:
        return "core" if self.core else "extended"


class ChecklistItem(TranslatedTexts, models.Model):
    """One question of the internal case review checklist, with its compliance target."""

    framework = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="checklist")
    code = models.SlugField(_("code"), max_length=40)
    text = models.TextField(_("question"))
    guidance = models.TextField(_("guidance"), blank=True)
    target_percent = models.PositiveSmallIntegerField(_("target (%)"))
    records_grade = models.BooleanField(
        _("records a complication grade"), default=False, help_text=_("CIRSE classification 0–6.")
    )
    position = models.PositiveIntegerField(default=0)

    translations = models.JSONField(_("translations"), default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="unique_checklist_code")]

    def __str__(self) -> str:
        return self.text

    def meets_target(self, complied: int, reviewed: int) -> bool:
        return reviewed > 0 and complied * 100 >= self.target_percent * reviewed


def framework_tree_prefetch(qs: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Load a whole tree (sections → standards → requirements, and the checklist) in five queries."""
    return qs.prefetch_related(
        models.Prefetch("sections", queryset=Section.objects.order_by("number")),
        models.Prefetch("sections__standards", queryset=Standard.objects.order_by("number")),
        models.Prefetch("sections__standards__requirements", queryset=Requirement.objects.order_by("position")),
        models.Prefetch("checklist", queryset=ChecklistItem.objects.order_by("position")),
    )
