from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "iasios.billing"
    label = "billing"
    verbose_name = _("Billing")

    def ready(self) -> None:
        from datetime import date

        from iasios.billing.parts import INVOICES_PART, PAY_PART
        from iasios.billing.services import lapse_reason
        from iasios.core.event_display import register_reason
        from iasios.facilities.parts import register_dashboard_part

        register_dashboard_part(PAY_PART)
        register_dashboard_part(INVOICES_PART)
        # A lapse for an unpaid invoice: its reason in the reader's language (the data keeps the values).
        register_reason(
            "lapse",
            lambda data: lapse_reason(
                data["unpaid"]["number"], int(data["unpaid"]["days"]), date.fromisoformat(data["unpaid"]["due"])
            ),
        )
