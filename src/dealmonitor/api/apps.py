from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "dealmonitor.api"
    verbose_name = "API"
