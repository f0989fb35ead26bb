from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "iasios.site"
    label = "site"
    verbose_name = "Site"
