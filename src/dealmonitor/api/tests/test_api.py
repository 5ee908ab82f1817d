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


def test_the_schema_is_generated_once_per_language_and_format(client, monkeypatch):
    """The OpenAPI document is public and costs some 0.4 s of CPU to generate and render: a
    process makes it once per language and format, whatever else a request sends (an address
    anyone could otherwise make the server spend that on)."""
    from drf_spectacular.generators import SchemaGenerator

    from dealmonitor.api import views

    views.SchemaView.forget()
    made = []
    real = SchemaGenerator.get_schema
    monkeypatch.setattr(SchemaGenerator, "get_schema",
                        lambda self, *a, **k: made.append(1) or real(self, *a, **k))
    yaml = [client.get("/api/v1/schema/", {"deal": f"d{i}", "lang": lang})
            for i, lang in enumerate(["en", "en", "nl", "zz", "", "nl"])]
    assert [r.status_code for r in yaml] == [200] * 6
    assert yaml[0].content == yaml[1].content and yaml[2].content == yaml[5].content
    assert yaml[0]["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
    as_json = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert as_json.json()["openapi"].startswith("3.")
    # en, nl (an unknown language and none are the page's own, Dutch here), and JSON
    assert len(made) == 3
    assert yaml[3].content == yaml[4].content == yaml[2].content
