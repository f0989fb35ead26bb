from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "iasios.facilities"
    label = "facilities"
    verbose_name = "Facilities"

    def ready(self) -> None:
        from iasios.facilities import signals  # noqa: F401 - connects the receivers
