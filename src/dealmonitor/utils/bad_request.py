"""Django's answer to a request it refuses to read (`handler400` in urls.py).

Django stops reading a request whose body is larger than DATA_UPLOAD_MAX_MEMORY_SIZE (files
sent as files do not count), that has more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS or more
files than DATA_UPLOAD_MAX_NUMBER_FILES, and answers with a bare "Bad Request (400)" page, in
HTML also to an API client. Here such a request gets 413 with what was too large, the limit,
that nothing was saved and what to do instead: a page in the site's layout, and JSON under
/api/. Any other bad request gets Django's own answer."""

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views import defaults

TOO_LARGE = 413


def what_was_too_large(exception, api):
    """The message for a request Django refused to read, or None for any other bad request."""
    if isinstance(exception, RequestDataTooBig):
        size = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if api:
            return _("The request body is larger than %(size)s, more than the server accepts as "
                     "JSON or form fields. Nothing was saved. Send a file as a file: "
                     "multipart/form-data with the file in the field “file”.") % {"size": size}
        return _("The form sent more than %(size)s of text, more than the server accepts. Nothing "
                 "was saved. Shorten the longest text, or put it in a file, and send the form "
                 "again.") % {"size": size}
    if isinstance(exception, TooManyFieldsSent):
        return _("The request has more than %(count)s fields, more than the server accepts. "
                 "Nothing was saved. Send the data in smaller parts, for example fewer periods "
                 "at once.") % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
    if isinstance(exception, TooManyFilesSent):
        return _("The request has more than %(count)s files, more than the server accepts. "
                 "Nothing was saved. Send fewer files at once.") % {
                     "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
    return None


def bad_request(request, exception):
    api = request.path.startswith("/api/")
    message = what_was_too_large(exception, api)
    if message is None:
        return defaults.bad_request(request, exception)
    if api:
        return JsonResponse({"detail": message}, status=TOO_LARGE)
    return render(request, "413.html", {"message": message}, status=TOO_LARGE)
