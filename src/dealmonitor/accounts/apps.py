from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "dealmonitor.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from dealmonitor.deals.registry import track

        from . import signals  # noqa: F401 (API tokens revoked on password change)
        from .third_party_labels import label_third_party_apps

        label_third_party_apps()

        track("accounts.dealmembership", "roles", "deal", named_by="user")
