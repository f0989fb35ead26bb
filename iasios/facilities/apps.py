from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "iasios.facilities"
    label = "facilities"
    verbose_name = "Facilities"
