from django.apps import AppConfig


class UtilsConfig(AppConfig):
    name = "dealmonitor.utils"

    def ready(self):
        from . import cache
        from . import change_reason  # noqa: F401  (connects the history signal)

        cache.connect()
