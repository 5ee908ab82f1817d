from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dealmonitor.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from dealmonitor.deals.registry import track

        from . import signals  # noqa: F401 (API tokens revoked on password change)

        track("accounts.dealmembership", "roles", "deal", named_by="user")
