"""A locked database raised outside a view (a middleware saving the session after the view)
reaches Django's handler500: that answers 503 too; any other error stays a 500."""

import json

from django.db import OperationalError
from django.test import RequestFactory

from dealmonitor.utils.database_busy import server_error


def _answer(exc, path="/"):
    request = RequestFactory().get(path)
    try:
        raise exc
    except Exception:
        return server_error(request)


def test_the_500_handler_answers_503_for_a_locked_database():
    page = _answer(OperationalError("database is locked"))
    assert page.status_code == 503 and page["Retry-After"] == "10"
    assert "De database is even bezet" in page.content.decode()
    api = _answer(OperationalError("database is locked"), "/api/v1/targets/")
    assert api.status_code == 503
    assert json.loads(api.content)["detail"].startswith("De database is even bezet")


def test_other_errors_stay_500():
    assert _answer(OperationalError("no such table: x")).status_code == 500
    assert _answer(ValueError("database is locked")).status_code == 500
