from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConnectionsConfig(AppConfig):
    name = "dealmonitor.connections"
    verbose_name = _("Connections between deals")

    def ready(self):
        from dealmonitor.deals.registry import track

        from . import signals

        track("connections.connection", "connections", ("deal_a", "deal_b"), named_by="deal_b")

        signals.connect()
