"""A database that stays locked answers 503 Service Unavailable, with Retry-After and a message
in the user's language, instead of a 500 error page.

On SQLite one request writes at a time; the others wait their turn for up to the busy timeout
(`DB_SQLITE_TIMEOUT`). Only when another process holds the lock longer than that (a long
import, a maintenance command) does SQLite give up with "database is locked". That is a
temporary state, not a fault in the request: the client may simply try again.

Two places catch it, with one answer:

- `DatabaseBusyMiddleware.process_exception`: errors raised by a view (pages and the API);
- `server_error` (`handler500` in urls.py): errors raised elsewhere, e.g. while a middleware
  saves the session after the view.
"""

import logging
import sys

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

# Seconds a client is asked to wait before trying again.
RETRY_AFTER = 10
# What SQLite says when it could not get a lock in time (SQLITE_BUSY, SQLITE_LOCKED).
LOCKED_MESSAGES = ("database is locked", "database table is locked")


def is_database_busy(exc):
    return isinstance(exc, OperationalError) and str(exc).startswith(LOCKED_MESSAGES)


def busy_response(request):
    logger.warning("Database locked: answered 503 to %s %s", request.method, request.path)
    message = _("The database is busy. Please try again in a moment.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=503)
    else:
        # A page of its own, without the site frame: rendering that reads the database.
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    return response


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_busy(exception):
            return busy_response(request)
        return None


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """Django's 500 page, unless the error is a locked database (then 503). Django calls this
    while it handles the exception, so sys.exc_info() holds that error."""
    if is_database_busy(sys.exc_info()[1]):
        return busy_response(request)
    return defaults.server_error(request, template_name)
