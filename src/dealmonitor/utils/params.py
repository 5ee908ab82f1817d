"""Query parameters from the address: whatever a visitor types, a bad value is ignored, never a
server error.

- `int_param(request.GET, "ministry")`: a whole number in a range, or the default (an id, a
  page number). Text, decimals, NaN and numbers too large for the database give the default.
- `NulRejectingMiddleware`: a parameter with a NUL character (%00) is refused with 400 before
  any view reads it. Nothing a page or the API takes may contain one, and PostgreSQL cannot
  even compare text with it (the query would fail with a server error).
"""

from django.http import HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

# The largest value a 64-bit integer column (BigAutoField) holds.
MAX_INT = 2**63 - 1


def int_param(params, name, default=None, *, minimum=0, maximum=MAX_INT):
    """The value of `name` as an int within [minimum, maximum], else `default`."""
    value = params.get(name)
    if value is None:
        return default
    value = value.strip()
    if not value.lstrip("-").isdigit() or not value.isascii() or len(value) > 20:
        return default
    number = int(value)
    return number if minimum <= number <= maximum else default


class NulRejectingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in v for v in values)
               for key, values in request.GET.lists()):
            message = _("The address contains a character that is not allowed.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
