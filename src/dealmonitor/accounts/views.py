

def locked_out(request, credentials=None, *args, **kwargs):
    """What django-axes shows when a username is locked out from an address (429)."""
    from django.conf import settings
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)
