from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "iasios.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login

        from iasios.accounts.roles import ProgrammeRoleName
        from iasios.accounts.signals import record_last_login
        from iasios.core.event_display import register_reason

        # Django saves the user on every login; that would add a row to the user's history each
        # time. The last login is not history, so it is written without a model save.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(record_last_login, dispatch_uid="record_last_login")
        # A role granted or revoked: the role's name in the reader's language (the data keeps its code).
        for action in ("programme_role_granted", "programme_role_revoked"):
            register_reason(action, lambda data: ProgrammeRoleName(data["role"]).label)
