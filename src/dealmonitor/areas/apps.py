from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AreasConfig(AppConfig):
    name = "dealmonitor.areas"
    verbose_name = _("Areas and context figures")

    def ready(self):
        from dealmonitor.deals.registry import track

        # the areas a deal chose (or left out) appear in the deal's change log with its partners
        track("areas.dealarea", "partners", "deal", named_by="area")
