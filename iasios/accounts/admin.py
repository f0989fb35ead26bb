from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from iasios.accounts.models import ProgrammeRole, User


class ProgrammeRoleInline(admin.TabularInline):
    """Shown read-only: roles change through `manage.py programme_role`, which keeps admin access in step."""

    model = ProgrammeRole
    extra = 0
    readonly_fields = ["role", "granted_at"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin):
    list_display = ["email", "name", "is_active", "date_joined"]
    search_fields = ["email", "name"]
    exclude = ["password", "user_permissions", "groups", "is_superuser", "is_staff", "last_login"]
    readonly_fields = ["date_joined"]
    inlines = [ProgrammeRoleInline]
