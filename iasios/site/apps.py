from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "iasios.site"
    label = "site"
    verbose_name = "Site"

    def ready(self) -> None:
        from iasios.facilities.parts import register_dashboard_part
        from iasios.site.facility_home import WORK_PART

        register_dashboard_part(WORK_PART)
