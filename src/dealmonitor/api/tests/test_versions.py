"""Lost updates through the API: a single row is read with its version (ETag); a change sent
with If-Match is refused with 409 when someone changed the row since, and the answer holds
the row as saved now. Applied to every resource in one place (api/generic.py)."""

import pytest
from rest_framework.test import APIClient

from dealmonitor.api.resources import RESOURCES
from dealmonitor.impact.models import Indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(team_user):
    client = APIClient()
    client.force_authenticate(team_user)
    return client


def test_a_change_from_a_stale_read_is_refused_with_409(api, team_user, numeric):
    url = f"/api/v1/indicators/{numeric.pk}/"
    mine = api.get(url)
    theirs = api.get(url)
    assert mine["ETag"] and mine["ETag"] == theirs["ETag"]

    first = api.patch(url, {"unit": "woningen (netto)"}, format="json", HTTP_IF_MATCH=theirs["ETag"])
    assert first.status_code == 200
    assert first["ETag"] != theirs["ETag"]

    stale = api.patch(url, {"description": "Mijn toelichting"}, format="json", HTTP_IF_MATCH=mine["ETag"])
    assert stale.status_code == 409
    assert stale.json()["current"]["unit"] == "woningen (netto)"  # the other's change, shown
    assert stale["ETag"] == first["ETag"]
    row = Indicator.objects.get(pk=numeric.pk)
    assert (row.unit, row.description) == ("woningen (netto)", "")

    put = api.get(url).json()
    put.pop("id", None)
    put["description"] = "Mijn toelichting"
    assert api.put(url, put, format="json", HTTP_IF_MATCH=mine["ETag"]).status_code == 409

    # With the current version, or without If-Match, the change goes through.
    fresh = api.patch(url, {"description": "Mijn toelichting"}, format="json", HTTP_IF_MATCH=stale["ETag"])
    assert fresh.status_code == 200
    assert api.patch(url, {"unit": "stuks"}, format="json").status_code == 200


def test_a_stale_delete_is_refused(api, elements):
    element = next(iter(elements.values()))
    url = f"/api/v1/elements/{element.pk}/"
    etag = api.get(url)["ETag"]
    assert api.patch(url, {"title": "Stap een, herzien"}, format="json").status_code == 200
    assert api.delete(url, HTTP_IF_MATCH=etag).status_code == 409
    assert type(element).objects.filter(pk=element.pk).exists()
    assert api.delete(url, HTTP_IF_MATCH=api.get(url)["ETag"]).status_code == 204


def test_the_conflict_message_is_in_the_users_language(api, numeric):
    url = f"/api/v1/indicators/{numeric.pk}/"
    etag = api.get(url)["ETag"]
    api.patch(url, {"unit": "stuks"}, format="json")
    refused = api.patch(url, {"unit": "paar"}, format="json", HTTP_IF_MATCH=etag,
                        HTTP_ACCEPT_LANGUAGE="nl")
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("Iemand anders heeft deze rij gewijzigd")


def test_every_resource_that_can_change_a_row_reads_with_an_etag(api, staff_user, numeric):
    api.force_authenticate(staff_user)
    for resource in RESOURCES:
        if resource.update is None:
            continue
        rows = api.get(f"/api/v1/{resource.name}/").json()["results"]
        if not rows:
            continue
        key = rows[0].get("id", rows[0].get("slug"))
        response = api.get(f"/api/v1/{resource.name}/{key}/")
        assert response.status_code == 200 and response.has_header("ETag"), resource.name
