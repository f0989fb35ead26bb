"""People and their programme roles."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from iasios.accounts.roles import ProgrammeRoleName


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The e-mail address is the login; there is no user name."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("e-mail address"), unique=True)
    name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    # Access to the Django admin (reference data); kept in step with programme roles.
    is_staff = models.BooleanField(_("admin site access"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("user")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email

    @cached_property
    def programme_roles(self) -> frozenset[str]:
        return frozenset(self.programme_role_set.values_list("role", flat=True))

    def has_programme_role(self, *roles: str) -> bool:
        return bool(self.programme_roles.intersection(roles))

    @property
    def is_programme_staff(self) -> bool:
        return bool(self.programme_roles)

    @cached_property
    def has_mfa(self) -> bool:
        from iasios.accounts.adapter import SECOND_FACTOR_TYPES

        return self.authenticator_set.filter(type__in=SECOND_FACTOR_TYPES).exists()  # type: ignore[attr-defined]


class ProgrammeRole(models.Model):
    """A programme role held by a person (office, assessor, committee member, administrator)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="programme_role_set")
    role = models.CharField(_("role"), max_length=20, choices=ProgrammeRoleName.choices)
    granted_at = models.DateTimeField(_("granted"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_programme_role")]
        ordering = ["role"]
        verbose_name = _("programme role")

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"
