from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasereviewConfig(AppConfig):
    name = "iasios.casereview"
    label = "casereview"
    verbose_name = _("Case review")
