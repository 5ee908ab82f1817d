"""Every reference in the API takes the identifier the API itself lists for that row: a client
that reads /api/v1/organisations/ (slugs only) can write a measurement with the organisation
that reported it, and reads back what it sent."""

import datetime as dt

import pytest
from knox.models import AuthToken
from rest_framework import serializers
from rest_framework.test import APIClient

from dealmonitor.api import serializers as api_serializers
from dealmonitor.api.generic import serializer_for
from dealmonitor.api.resources import RESOURCES
from dealmonitor.deals.models import Deal, Theme
from dealmonitor.learning import services as learning_services
from dealmonitor.organisations.models import Organisation, Person
from dealmonitor.deals.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def listed_identifier():
    """Per model, the field by which the API lists its rows: `id` where its resource shows
    one; the organisation list's own key; a deal's slug; a theme's name as a deal lists it;
    a person's slug (the stable anonymous identifier of the data)."""
    out = {r.model: "pk" for r in RESOURCES if "id" in r.fields}
    organisation_fields = api_serializers.OrganisationSerializer.Meta.fields
    out[Organisation] = "pk" if "id" in organisation_fields else "slug"
    out[Deal] = "slug"
    out[Theme] = api_serializers.DealSerializer._declared_fields["themes"].child_relation.slug_field
    out[Person] = "slug"
    return out


def test_every_reference_takes_the_identifier_the_api_lists(rf, staff_user):
    request = rf.get("/api/v1/")
    request.user = staff_user
    expected = listed_identifier()
    checked = 0
    for resource in RESOURCES:
        fields = serializer_for(resource)(context={"request": request}).fields
        for name, field in fields.items():
            relation = getattr(field, "child_relation", field)
            if not isinstance(relation, serializers.RelatedField):
                continue
            model = resource.model._meta.get_field(name).related_model if name != "deal" else Deal
            used = relation.slug_field if isinstance(relation, serializers.SlugRelatedField) else "pk"
            assert model in expected, f"{resource.name}.{name}: {model.__name__} is listed nowhere"
            assert used == expected[model], f"{resource.name}.{name} takes {used}, the API lists {expected[model]}"
            checked += 1
    assert checked > 40


@pytest.fixture
def api(staff_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {AuthToken.objects.create(user=staff_user)[1]}")
    return client


def test_a_measurement_names_its_reporting_organisation_as_the_list_does(api, numeric, partner_org):
    listed = [o["slug"] for o in api.get("/api/v1/organisations/?page_size=500").json()["results"]]
    assert partner_org.slug in listed
    body = {"indicator": numeric.pk, "date": "2023-06-30", "value": "12.5",
            "reporting_organisation": partner_org.slug}
    created = api.post("/api/v1/measurements/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["reporting_organisation"] == partner_org.slug
    row = api.get(f"/api/v1/measurements/{created.json()['id']}/").json()
    assert row["reporting_organisation"] == partner_org.slug
    by_number = api.post("/api/v1/measurements/", {**body, "reporting_organisation": partner_org.pk,
                                                   "date": "2023-07-31"}, format="json")
    assert by_number.status_code == 400 and "reporting_organisation" in by_number.json()


def test_a_bottleneck_names_its_ministry_and_filters_by_it_with_the_slug(api, deal):
    ministry = OrganisationFactory(slug="ministerie-van-bzk", name="Ministerie van BZK", type="ministerie")
    created = api.post("/api/v1/bottlenecks/", {
        "deal": deal.slug, "title": "Regel knelt", "kind": "regelgeving", "signalled_on": "2024-01-01",
        "ministry": "ministerie-van-bzk"}, format="json")
    assert created.status_code == 201, created.content
    learning_services.report_bottleneck(actor=None, deal=deal, title="Zonder ministerie", kind="data",
                                        signalled_on=dt.date(2024, 1, 1))
    found = api.get("/api/v1/bottlenecks/?ministry=ministerie-van-bzk").json()["results"]
    assert [b["title"] for b in found] == ["Regel knelt"] and found[0]["ministry"] == ministry.slug


def test_a_lesson_names_its_themes_as_a_deal_lists_them(api, deal):
    Theme.objects.create(name="wonen")
    created = api.post("/api/v1/lessons/", {
        "deal": deal.slug, "title": "Les", "text": "Tekst", "kind": "inzicht", "learned_on": "2024-01-01",
        "themes": ["wonen"]}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["themes"] == ["wonen"]
    unknown = api.post("/api/v1/lessons/", {
        "deal": deal.slug, "title": "Les 2", "text": "Tekst", "kind": "inzicht", "learned_on": "2024-01-01",
        "themes": ["bestaat-niet"]}, format="json")
    assert unknown.status_code == 400 and "themes" in unknown.json()
