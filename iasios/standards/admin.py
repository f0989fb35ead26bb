"""The office's read-only view of the loaded framework versions.

Versions are reference data that never change once loaded, so nothing here can add, edit or
delete them: loading goes through `manage.py standards_load`, activation through
`manage.py standards_activate`, both of which validate and record events.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from iasios.standards.models import ChecklistItem, FrameworkVersion, Requirement


class ReadOnlyMixin:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RequirementInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = Requirement
    fields = ["reference", "core", "text"]
    readonly_fields = ["reference", "core", "text"]
    extra = 0
    can_delete = False
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Requirement]:
        return super().get_queryset(request).select_related("standard").order_by("position")

    @admin.display(description=_("reference"))
    def reference(self, obj: Requirement) -> str:
        return obj.reference


class ChecklistItemInline(ReadOnlyMixin, admin.TabularInline):  # type: ignore[type-arg]
    model = ChecklistItem
    fields = ["code", "text", "target_percent", "records_grade"]
    readonly_fields = ["code", "text", "target_percent", "records_grade"]
    extra = 0
    can_delete = False


VERSION_FIELDS: tuple[str, ...] = (
    "code",
    "version",
    "title",
    "published_on",
    "status",
    "notice",
    "programme",
    "source_name",
    "source_sha256",
    "created_at",
)


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["code", "version", "title", "published_on", "status", "requirement_count", "core_count"]
    list_filter = ["status", "code"]
    search_fields = ["code", "version", "title"]
    readonly_fields = VERSION_FIELDS
    fields = VERSION_FIELDS
    inlines = [RequirementInline, ChecklistItemInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[FrameworkVersion]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                requirement_total=Count("requirements"),
                core_total=Count("requirements", filter=Q(requirements__core=True)),
            )
        )

    @admin.display(description=_("requirements"), ordering="requirement_total")
    def requirement_count(self, obj: Any) -> int:
        return int(obj.requirement_total)

    @admin.display(description=_("core"), ordering="core_total")
    def core_count(self, obj: Any) -> int:
        return int(obj.core_total)
