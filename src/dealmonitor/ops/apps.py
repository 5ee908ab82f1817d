from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "dealmonitor.ops"
    label = "ops"
    verbose_name = "Operations"
