"""A post's description has one maximum (constants.POST_TEXT, declared on the model): the form,
the API and the import refuse a longer text with the same Dutch message, and nothing is cut."""

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from dealmonitor.ecosystem.constants import POST_TEXT
from dealmonitor.ecosystem.forms import PostForm
from dealmonitor.ecosystem.models import Post
from dealmonitor.impact.tests.conftest import deal, partner_org, team_user  # noqa: F401 (fixtures)
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import check_parts
from dealmonitor.imports.jobs import workbook_parts
from dealmonitor.imports.reading import read_spreadsheet

pytestmark = pytest.mark.django_db


def test_the_description_of_a_post_has_one_maximum_everywhere(deal, partner_org, team_user):
    too_long = "x" * (POST_TEXT + 1)
    assert Post._meta.get_field("text").max_length == POST_TEXT == C.POSTS.by_key["tekst"].max_length
    with translation.override("nl"):
        form = PostForm(data={"direction": "vraag", "kind": "data", "title": "Te lang", "text": too_long,
                              "visibility": "programma"})
        assert not form.is_valid()
        from_form = form.errors["text"][0]
        csv = ("deal_id,organisatie_id,vraag_of_aanbod,wat,titel,tekst\n"
               f"{deal.slug},{partner_org.slug},vraag,data,Te lang,{too_long}\n")
        result = check_parts(team_user, workbook_parts(read_spreadsheet(csv.encode(), "vraag-en-aanbod.csv")))
        from_import = [p.message for p in result.problems if p.column == "tekst"]
    api = APIClient()
    api.force_authenticate(team_user)
    response = api.post("/api/v1/posts/", {"deal": deal.slug, "organisation": partner_org.slug, "direction": "vraag",
                                           "kind": "data", "title": "Te lang", "text": too_long},
                        format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400, response.content
    from_api = response.json()["text"][0]
    assert "tekens" in from_form and str(POST_TEXT + 1) in from_form.replace(".", "")
    assert from_import == [from_form] and from_api == from_form
    assert not Post.objects.exists()  # refused, never cut
