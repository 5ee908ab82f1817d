from django import forms
from django.utils.translation import gettext_lazy as _

from dealmonitor.ui.concurrency import GuardedFormMixin

from .models import NotificationPreferences


class ProfileForm(GuardedFormMixin, forms.ModelForm):
    """The user's e-mail address and which e-mails they receive."""

    email = forms.EmailField(
        label=_("E-mail address"), required=False, max_length=254,
        help_text=_("Where the e-mails below are sent. Without an address you receive none."),
    )

    class Meta:
        model = NotificationPreferences
        fields = ["round_invitations", "measurement_reminders", "bottleneck_notices",
                  "weekly_digest", "language"]

    field_order = ["email", "round_invitations", "measurement_reminders", "bottleneck_notices",
                   "weekly_digest", "language"]
