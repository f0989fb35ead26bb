from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "iasios.registry"
    label = "registry"
    verbose_name = "Registry"
