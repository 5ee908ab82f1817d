"""Pages for refusals and errors in the site's own layout and the user's language.

Django renders 403.html, 404.html and 500.html (in `src/dealmonitor/templates/`) by itself;
two things it cannot do with a template alone live here:

- the CSRF failure page (`CSRF_FAILURE_VIEW`): Django's own renders its template without the
  request, so without the site's header, the user or the way back;
- `/favicon.ico`, which browsers ask for on every site whatever the page says.
"""

from django.shortcuts import render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import RedirectView


def csrf_failure(request, reason=""):
    """A form came back without a valid CSRF token (expired, or the cookie was refused)."""
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        back = ""
    return render(request, "403_csrf.html", {"back": back, "reason": reason}, status=403)


def favicon(request):
    return RedirectView.as_view(url=static("ui/favicon.ico"), permanent=True)(request)
