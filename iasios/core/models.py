"""The shared base model and the append-only event log."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """UUID key (never guessable in URLs) and creation/update times."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class EventQuerySet(models.QuerySet["Event"]):
    def for_object(self, obj: models.Model) -> EventQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj, for_concrete_model=True),
            object_id=str(obj.pk),
        )

    def update(self, **kwargs: Any) -> int:
        raise EventLogIsAppendOnly(_("The event log is append-only."))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise EventLogIsAppendOnly(_("The event log is append-only."))


class EventLogIsAppendOnly(Exception):
    pass


class Event(models.Model):
    """One row per state change or notable action: who, what, on which object, why, when.

    Written only by the transition function of a lifecycle (core.statemachine) or by
    `record_event` for actions that do not change a state. Rows are never changed or deleted.
    """

    id = models.BigAutoField(primary_key=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]
        verbose_name = _("event")

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise EventLogIsAppendOnly(_("The event log is append-only."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise EventLogIsAppendOnly(_("The event log is append-only."))


class NumberCounter(models.Model):
    """The last number used in one document series and year (see core.numbering)."""

    series = models.CharField(max_length=32)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="unique_number_counter_per_year")]

    def __str__(self) -> str:
        return f"{self.series} {self.year}: {self.last}"


class StoredDocument(BaseModel):
    """A document rendered once and kept in storage (a frozen dossier's PDF, a certificate …).

    Keyed by its kind and the id of the object it renders; `sha256` is the hash of the stored
    bytes, `source_sha256` that of what it was rendered from when the document follows its
    object (a letter lists later corrective actions), empty when the object cannot change."""

    kind = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    storage_key = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.BigIntegerField()
    content_type = models.CharField(max_length=100)
    source_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="one_stored_document_per_object")]
        verbose_name = _("stored document")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
