from django.apps import AppConfig


class UtilsConfig(AppConfig):
    name = "dealmonitor.utils"

    def ready(self):
        from . import cache

        cache.connect()
