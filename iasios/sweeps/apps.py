from typing import Any

from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _cache_table(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """The database cache's table (settings.CACHES without REDIS_URL) exists wherever `migrate` ran,
    so every web process, worker and sweep on every node shares one cache from the start."""
    call_command("createcachetable", database=using, verbosity=0)


class SweepsConfig(AppConfig):
    name = "iasios.sweeps"
    label = "sweeps"
    verbose_name = _("Sweeps")

    def ready(self) -> None:
        post_migrate.connect(_cache_table, sender=self)
