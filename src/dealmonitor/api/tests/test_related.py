import pytest

from dealmonitor.connections import services
from dealmonitor.connections.models import Connection

pytestmark = pytest.mark.django_db


@pytest.fixture
def suggestions(demo_data):
    services.rebuild_suggestions(actor=None)


def test_related_deals_of_a_deal_with_reasons(client, suggestions):
    response = client.get("/api/v1/deals/cd-health-hub/related/")
    assert response.status_code == 200
    rows = response.json()
    assert rows[0]["deal"] == "ot-health-hub-utrecht"
    assert rows[0]["score"] > rows[1]["score"]
    assert any("voortkwam uit de City Deal Health Hub" in r for r in rows[0]["reasons"])
    assert {row["deal"] for row in rows}.isdisjoint({"cd-health-hub"})


def test_a_dismissed_suggestion_is_left_out(client, suggestions, staff_user):
    first = client.get("/api/v1/deals/cd-health-hub/related/").json()[1]["deal"]
    from dealmonitor.deals.models import Deal

    services.dismiss_connection(
        actor=staff_user, deal=Deal.objects.get(slug="cd-health-hub"),
        other=Deal.objects.get(slug=first), reason="Alleen hetzelfde thema.",
    )
    assert Connection.objects.count() == 1
    rows = client.get("/api/v1/deals/cd-health-hub/related/").json()
    assert first not in [row["deal"] for row in rows]


def test_related_is_in_the_schema_and_unknown_deals_are_404(client, suggestions):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert "/api/v1/deals/{slug}/related/" in schema["paths"]
    assert client.get("/api/v1/deals/bestaat-niet/related/").status_code == 404
