"""Account pages. Sign-in and sign-out are Django's own views (urls.py); this module holds the
page django-axes shows when sign-in attempts are locked out, and the profile page."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.access import require
from dealmonitor.ui.concurrency import guarded_post

from . import services
from .forms import ProfileForm


def locked_out(request, credentials=None, *args, **kwargs):
    """What django-axes shows when a username is locked out from an address (429)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked_out.html", {"cooloff_minutes": minutes}, status=429)


@guarded_post
def profile(request):
    """The user's own page: e-mail address and which e-mails they receive."""
    require(request.user, deal_rules.is_signed_in)
    preferences = services.preferences_of(request.user)
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=preferences,
                           initial={"email": request.user.email})
        if form.is_valid():
            data = dict(form.cleaned_data)
            email = data.pop("email")
            data = {k: v for k, v in data.items() if k in services.PREFERENCE_FIELDS}
            try:
                services.set_profile(actor=request.user, user=request.user, email=email, **data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Your choices have been saved."))
                return redirect("accounts:profile")
    else:
        initial = {"email": request.user.email}
        if preferences.pk is None:
            initial["language"] = get_language() or "nl"
        form = ProfileForm(instance=preferences, initial=initial)
    return render(request, "accounts/profile.html", {"form": form},
                  status=400 if form.is_bound else 200)


class SignInView(auth_views.LoginView):
    """Django's sign-in page; signing in from the portfolio (the site's front page, which every
    header's "Sign in" link names as the way back) leads to Mijn deals, the start page of a
    signed-in user. Any other page asked for is where the user returns."""

    template_name = "accounts/login.html"

    def get_redirect_url(self):
        url = super().get_redirect_url()
        if url in ("/", "/en/"):
            return ""
        return url
