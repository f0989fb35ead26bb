from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from iasios.facilities.models import Facility, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Facility)
class FacilityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "institution", "city", "country", "status"]
    list_filter = ["status", "country"]
    search_fields = ["name", "institution", "city"]
    readonly_fields = ["status", "enrolled_on", "activated_at"]
    inlines = [MembershipInline]
