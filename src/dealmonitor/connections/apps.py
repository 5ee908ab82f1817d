from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectionsConfig(AppConfig):
    name = "dealmonitor.connections"
    verbose_name = _("Connections between deals")

    def ready(self):
        from . import signals

        signals.connect()
