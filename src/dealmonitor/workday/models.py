from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SentNotification(models.Model):
    """An e-mail that has been sent, so that it is sent once: a reminder per user, indicator
    and period (`measurement:<indicator id>:<period start>`), a digest per user and week
    (`digest:<year>-W<week>`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="+", verbose_name=_("user"))
    key = models.CharField(_("what was sent"), max_length=100)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_sent_once")]
        verbose_name = _("sent notification")
        verbose_name_plural = _("sent notifications")

    def __str__(self):
        return f"{self.user}: {self.key}"
