import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_schema_is_openapi_3_under_v1(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/deals/{slug}/" in schema["paths"]


def test_deals_by_their_data_file_id(client, demo_data):
    listing = client.get("/api/v1/deals/").json()
    assert listing["count"] == 26
    deal = client.get("/api/v1/deals/cd-impact-ondernemen/").json()
    assert deal["signing_date"] == "2021-03-11"
    assert deal["end_date"] == "2026"  # a year stays a year
    orgs = {p["organisation"] for p in deal["participations"]}
    assert "ministerie-van-economische-zaken-en-klimaat" in orgs


def test_reading_is_open_but_writing_is_not(client, demo_data):
    assert client.post("/api/v1/deals/", {"name": "x"}).status_code in (401, 403, 405)
    assert reverse("v1:deal-detail", kwargs={"slug": "cd-health-hub"}) == "/api/v1/deals/cd-health-hub/"
