"""The in-app inbox, per-user e-mail preferences and the record of reminders already sent."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from iasios.notifications.kinds import kind_for


class Notification(models.Model):
    """One message in a person's inbox: the text of the e-mail they were sent (or would have been)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=120)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    link = models.CharField(_("link"), max_length=500, blank=True)
    emailed = models.BooleanField(_("e-mailed"), default=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("notification")
        indexes = [
            # The header badge: one count over a person's unread rows.
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
            models.Index(fields=["user", "-created_at"], name="notification_inbox_idx"),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def excerpt(self) -> str:
        """The text on one line without its web addresses, for the list."""
        return " ".join(word for word in self.body.split() if not word.startswith(("http://", "https://")))

    @property
    def kind_label(self) -> str:
        return str(kind_for(self.kind).label)


class NotificationOptOut(models.Model):
    """A person who does not want e-mails of one optional kind (mandatory kinds ignore it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_opt_outs")
    kind = models.CharField(_("kind"), max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail opt-out")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_user_and_kind")]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"


class SentReminder(models.Model):
    """A reminder that went out. The unique key makes the daily sweep idempotent: a second run
    (or two runs at once) finds the row and sends nothing.

    `target_date` is the date the reminder counts down to (a due date, an award's end). When an
    evidence request gets a new due date, its reminders start again for that date.
    """

    kind = models.CharField(_("kind"), max_length=40)
    object_id = models.CharField(_("object"), max_length=64)
    offset = models.IntegerField(_("offset"), help_text=_("Days or months before the target date; 0 = overdue."))
    target_date = models.DateField(_("target date"))
    sent_on = models.DateField(_("sent on"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sent reminder")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "offset", "target_date"], name="one_reminder_per_object_offset_and_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} −{self.offset} ({self.target_date})"
