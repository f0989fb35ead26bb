"""Facilities (the applicant IO services) and the people who work in them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.core.models import BaseModel


class FacilityStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    ENROLLED = "enrolled", _("Enrolled Centre")
    LAPSED = "lapsed", _("Lapsed")
    REJECTED = "rejected", _("Rejected")


class FacilityQuerySet(models.QuerySet["Facility"]):
    def visible_to(self, user: Any) -> FacilityQuerySet:
        """Facilities a user may see inside the platform (the public registry is separate)."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.has_programme_role(ProgrammeRoleName.OFFICE, ProgrammeRoleName.ADMINISTRATOR):
            return self
        return self.filter(memberships__user=user).distinct()

    def status_counts(self) -> models.QuerySet[Any, dict[str, Any]]:
        return self.order_by().values("status").annotate(n=models.Count("id"))

    def for_public_registry(self) -> FacilityQuerySet:
        """The one source of what the public sees: listed centres holding a seal."""
        return self.filter(listed_publicly=True, status=FacilityStatus.ENROLLED)


class Facility(BaseModel):
    name = models.CharField(_("facility name"), max_length=200)
    institution = models.CharField(
        _("parent institution"), max_length=200, blank=True, help_text=_("Empty when independent.")
    )
    city = models.CharField(_("city"), max_length=120)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code."))
    status = models.CharField(
        _("status"), max_length=24, choices=FacilityStatus.choices, default=FacilityStatus.REGISTERED, editable=False
    )
    listed_publicly = models.BooleanField(_("listed on the public registry"), default=True)

    objects = FacilityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A person's role in one facility."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=FacilityRoleName.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["facility__name", "role"]
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["facility", "user"], name="one_membership_per_facility"),
            # One authorised representative per facility.
            models.UniqueConstraint(
                fields=["facility"],
                condition=Q(role=FacilityRoleName.AUTHORISED_REPRESENTATIVE),
                name="one_authorised_representative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.facility}"
