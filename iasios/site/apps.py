from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "iasios.site"
    label = "site"
    verbose_name = _("Site")

    def ready(self) -> None:
        from iasios.facilities.parts import register_dashboard_part
        from iasios.site.facility_home import WORK_PART

        register_dashboard_part(WORK_PART)
