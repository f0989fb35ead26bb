from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FacilitiesConfig(AppConfig):
    name = "iasios.facilities"
    label = "facilities"
    verbose_name = _("Facilities")

    def ready(self) -> None:
        from iasios.facilities import signals  # noqa: F401 - connects the receivers
