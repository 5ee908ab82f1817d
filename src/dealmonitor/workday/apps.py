from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdayConfig(AppConfig):
    name = "dealmonitor.workday"
    verbose_name = _("My deals and notifications")

    def ready(self):
        from dealmonitor.learning import signals as learning_signals

        from . import notifications

        # learning sends these after the transaction that saved the row has committed
        learning_signals.round_opened.connect(
            lambda sender, round, **kw: notifications.invite_to_round(round),
            weak=False, dispatch_uid="workday-invite-to-round")
        learning_signals.bottleneck_reported.connect(
            lambda sender, bottleneck, **kw: notifications.notify_bottleneck(bottleneck),
            weak=False, dispatch_uid="workday-notify-bottleneck")
        learning_signals.bottleneck_raised_with.connect(
            lambda sender, bottleneck, **kw: notifications.notify_bottleneck_contact(bottleneck),
            weak=False, dispatch_uid="workday-notify-bottleneck-contact")
