from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from iasios.accounts.adapter import SECOND_FACTOR_TYPES
from iasios.accounts.middleware import NO_MFA_YET
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
    list_display = ["email", "name", "roles", "two_factor", "is_active", "date_joined"]
    search_fields = ["email", "name"]
    exclude = ["password", "user_permissions", "groups", "is_superuser", "is_staff", "last_login"]
    readonly_fields = ["date_joined"]
    inlines = [ProgrammeRoleInline]

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("programme_role_set", "authenticator_set")

    @admin.display(description=_("programme roles"))
    def roles(self, user: User) -> str:
        return ", ".join(str(grant.get_role_display()) for grant in user.programme_role_set.all())

    @admin.display(description=_("two-factor authentication"))
    def two_factor(self, user: User) -> str:
        has_mfa = any(a.type in SECOND_FACTOR_TYPES for a in user.authenticator_set.all())  # type: ignore[attr-defined]
        if has_mfa:
            return str(_("on"))
        return str(NO_MFA_YET) if user.programme_role_set.all() else str(_("off"))
