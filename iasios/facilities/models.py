"""Facilities (the applicant IO services), the people who work in them, and how people join."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from iasios.accounts.roles import FacilityRoleName, ProgrammeRoleName
from iasios.core.models import BaseModel
from iasios.facilities.countries import COUNTRIES

# No look-alikes: no 0/O, 1/I/L. 31 symbols, 12 of them ≈ 59 bits.
FACILITY_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
FACILITY_CODE_LENGTH = 12


def new_facility_code() -> str:
    return "".join(secrets.choice(FACILITY_CODE_ALPHABET) for _unused in range(FACILITY_CODE_LENGTH))


def normalise_facility_code(raw: str) -> str:
    """What people type (lower case, spaces, dashes) → the stored form."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def format_facility_code(code: str) -> str:
    """ABCDEFGHJKMN → ABCD-EFGH-JKMN, easier to read aloud and copy."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class FacilityStatus(models.TextChoices):
    PENDING_ACTIVATION = "pending_activation", _("Awaiting activation")
    REGISTERED = "registered", _("Registered")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    ENROLLED = "enrolled", _("Enrolled Centre")
    LAPSED = "lapsed", _("Lapsed")
    REJECTED = "rejected", _("Rejected")


# States in which staff can join and the team can change.
JOINABLE_STATES = frozenset({FacilityStatus.REGISTERED, FacilityStatus.AWAITING_PAYMENT, FacilityStatus.ENROLLED})


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
    independent = models.BooleanField(_("independent facility"), default=False)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, help_text=_("ISO 3166-1 alpha-2 code."))
    website = models.URLField(_("website"), blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=FacilityStatus.choices, default=FacilityStatus.REGISTERED, editable=False
    )
    listed_publicly = models.BooleanField(_("listed on the public registry"), default=True)
    # Letters, invoices, the certificate and mails to the facility's own addresses are in this
    # language (a code of settings.LANGUAGES, checked by the form: docs/decisions/0030).
    language = models.CharField(_("language of letters and certificates"), max_length=10, default="en")

    # Approval of the application (DOMAIN.md §2.1).
    approver_name = models.CharField(_("approver's name"), max_length=150, blank=True)
    approver_role = models.CharField(_("approver's role"), max_length=150, blank=True)
    approval_attested = models.BooleanField(_("approval attested"), default=False)

    # The people named at registration, as typed; memberships say who holds the roles now.
    representative_name = models.CharField(_("authorised representative"), max_length=150, blank=True)
    representative_email = models.EmailField(_("representative's e-mail"), blank=True)
    representative_phone = models.CharField(_("representative's phone"), max_length=40, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact person's e-mail"), blank=True)
    contact_phone = models.CharField(_("contact person's phone"), max_length=40, blank=True)

    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("possible duplicate of"),
    )
    code = models.CharField(_("facility code"), max_length=16, unique=True, default=new_facility_code, editable=False)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True, editable=False)
    # The membership anniversary: annual fees fall due on it.
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True, editable=False)

    objects = FacilityQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["code"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [models.Index(fields=["status", "country"])]

    def __str__(self) -> str:
        return self.name

    @property
    def formatted_code(self) -> str:
        return format_facility_code(self.code)

    @property
    def is_read_only(self) -> bool:
        return self.status in {FacilityStatus.LAPSED, FacilityStatus.REJECTED}

    @property
    def is_enrolled(self) -> bool:
        """An Enrolled Centre: it shows the seal (and, when listed, is on the public registry)."""
        return self.status == FacilityStatus.ENROLLED


class FacilityVolume(models.Model):
    """Yearly therapeutic IO procedures of one category, as declared at registration."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="volumes")
    category = models.CharField(_("category"), max_length=40)
    # The label as the programme named it then: categories belong to a framework version.
    label = models.CharField(_("label"), max_length=120)
    yearly_volume = models.PositiveIntegerField(_("procedures per year"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("yearly volume")
        constraints = [models.UniqueConstraint(fields=["facility", "category"], name="one_volume_per_category")]

    def __str__(self) -> str:
        return f"{self.label}: {self.yearly_volume}"


class Membership(BaseModel):
    """A person's role in one facility."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=FacilityRoleName.choices)
    history = HistoricalRecords()
    # Not stored: set by selectors.team for a representative named contact person too.
    also_contact_person: bool = False

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

    @property
    def is_authorised_representative(self) -> bool:
        return self.role == FacilityRoleName.AUTHORISED_REPRESENTATIVE


class JoinRequestStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class JoinRequest(BaseModel):
    """A person's request, made with the facility code, to join a facility's team."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="join_requests")
    # Changed only through facilities.lifecycle.JOIN_REQUEST_LIFECYCLE.
    status = models.CharField(
        _("status"), max_length=12, choices=JoinRequestStatus.choices, default=JoinRequestStatus.PENDING
    )
    role = models.CharField(_("role given"), max_length=32, choices=FacilityRoleName.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("join request")
        constraints = [
            models.UniqueConstraint(
                fields=["facility", "user"],
                condition=Q(status=JoinRequestStatus.PENDING),
                name="one_pending_join_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.facility}"

    @property
    def is_approved(self) -> bool:
        return self.status == JoinRequestStatus.APPROVED

    @property
    def status_badge(self) -> str:
        return {JoinRequestStatus.APPROVED: "ok", JoinRequestStatus.DECLINED: "core"}.get(
            JoinRequestStatus(self.status), "warn"
        )


class Invitation(BaseModel):
    """A role waiting for the person named at registration to log in with a verified address."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, choices=FacilityRoleName.choices)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("invitation")

    def __str__(self) -> str:
        return f"{self.email} · {self.get_role_display()} · {self.facility}"
