from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from iasios.accounts.language import set_language
from iasios.accounts.views import admin_login
from iasios.api.api import api
from iasios.core import views as core_views
from iasios.cycles import urls_committee
from iasios.registry import views as registry_views

# The admin has no login page of its own: everyone logs in (with MFA) through the accounts pages.
admin.site.login = admin_login  # type: ignore[method-assign,assignment]
admin.site.site_header = _("IO Accreditation · reference data")

urlpatterns = [
    path("", include("iasios.site.urls")),
    path("accounts/", include("allauth.urls")),
    path("account/tokens/", include("iasios.api.urls")),
    path("account/", include("iasios.accounts.urls")),
    path("standards/", include("iasios.standards.urls")),
    path("facilities/", include("iasios.facilities.urls")),
    path("billing/", include("iasios.billing.urls")),
    path("registry/", include("iasios.registry.urls")),
    path("registry.json", registry_views.registry_json, name="registry_json"),
    path("registry.csv", registry_views.registry_csv, name="registry_csv"),
    path("applications/", include("iasios.cycles.urls_applications")),
    path("case-review/", include("iasios.cycles.urls_casereview")),
    path("assessment/", include("iasios.assessment.urls")),
    path("decisions/", include("iasios.decisions.urls")),
    path("committee/", include(urls_committee.committee_patterns)),
    path("", include("iasios.certificates.urls")),
    path("reports/", include("iasios.reports.urls")),
    path("office/reports/", include("iasios.reports.urls_office")),
    path("office/facilities/", include("iasios.billing.urls_office_facilities")),
    path("office/billing/", include("iasios.billing.urls_office")),
    path("office/assessment/", include(urls_committee.office_assessment_patterns)),
    path("office/decisions/", include("iasios.decisions.urls_office")),
    path("office/people/", include("iasios.accounts.urls_roles")),
    path("inbox/", include("iasios.notifications.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/setlang/", set_language, name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
]

handler403 = "iasios.core.views.permission_denied"
handler404 = "iasios.core.views.page_not_found"
handler500 = "iasios.core.views.server_error"
