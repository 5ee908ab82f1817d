from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EcosystemConfig(AppConfig):
    name = "dealmonitor.ecosystem"
    verbose_name = _("Needs and offers")
