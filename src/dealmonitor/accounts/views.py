"""Account pages. Sign-in and sign-out are Django's own views (urls.py); this module holds the
page django-axes shows when sign-in attempts are locked out."""

from django.conf import settings
from django.shortcuts import render


def locked_out(request, credentials=None, *args, **kwargs):
    """What django-axes shows when a username is locked out from an address (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)
