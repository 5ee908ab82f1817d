"""The API's listing of measurements keeps withdrawn ones, marked, as the history does, and
leaves them out on request (issue 17, item 1: reports and exports leave withdrawn measurements
out of the figures but keep them in the history)."""

import pytest
from rest_framework.test import APIClient

from dealmonitor.impact import services

from .test_corrections import figure  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_listing_marks_withdrawn_measurements_and_can_leave_them_out(figure, team_user):  # noqa: F811
    services.withdraw_measurement(actor=team_user, measurement=figure, reason="dubbel")
    api = APIClient()
    api.force_authenticate(team_user)
    every = api.get("/api/v1/measurements/").json()["results"]
    assert {(m["id"], m["withdrawn"]) for m in every if m["id"] == figure.pk} == {(figure.pk, True)}
    assert next(m for m in every if m["id"] == figure.pk)["withdrawn_reason"] == "dubbel"
    counting = api.get("/api/v1/measurements/?withdrawn=false").json()["results"]
    assert figure.pk not in {m["id"] for m in counting} and len(counting) == len(every) - 1
