from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "dealmonitor.reports"
    verbose_name = _("Exports and reports")
