from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcosystemConfig(AppConfig):
    name = "dealmonitor.ecosystem"
    verbose_name = _("Needs and offers")

    def ready(self):
        from dealmonitor.deals.registry import track

        # a deal's needs and offers and their marks appear in the deal's change log with its partners
        track("ecosystem.post", "partners", "deal", named_by="title")
        track("ecosystem.matchmark", "partners", "need", "ecosystem.post")
