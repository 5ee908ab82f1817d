"""Needs, offers and match decisions in the API (issue 18.6): a post is read as on the pages
(only where its deal may be read; a post for the programme only when signed in), the match
decisions only by the team of the need's deal; posting goes through ecosystem.services.
Organisations carry their identifiers."""

import pytest
from rest_framework.test import APIClient

from dealmonitor.deals.models import Participation
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory
from dealmonitor.ecosystem.models import Post
from dealmonitor.ecosystem.services import mark_match, save_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def _post(deal, organisation, **fields):
    values = {"direction": "vraag", "kind": "financiering", "title": "Financiering gezocht",
              "text": "Voor het opschalen.", "visibility": "openbaar", **fields}
    return save_post(actor=None, deal=deal, organisation=organisation, **values)


@pytest.fixture
def posts(deal, partner_org, other_deal):
    financier = OrganisationFactory(company=True, name="Impactfonds Oost")
    Participation.objects.create(deal=other_deal, organisation=financier)
    secret = DealFactory(unpublished=True, slug="cd-geheim")
    hidden_org = OrganisationFactory(name="Geheime Partner")
    Participation.objects.create(deal=secret, organisation=hidden_org)
    return {
        "public": _post(deal, partner_org, title="OPENBARE-VRAAG"),
        "programme": _post(deal, partner_org, title="PROGRAMMA-VRAAG", visibility="programma"),
        "offer": _post(other_deal, financier, direction="aanbod", title="AANBOD-FONDS"),
        "hidden": _post(secret, hidden_org, title="GEHEIME-VRAAG"),
    }


def _titles(api, query=""):
    return {p["title"] for p in api.get(f"/api/v1/posts/{query}").json()["results"]}


def test_posts_are_read_as_on_the_pages(api, posts, outsider, team_user):
    assert _titles(api) == {"OPENBARE-VRAAG", "AANBOD-FONDS"}
    assert api.get(f"/api/v1/posts/{posts['programme'].pk}/").status_code == 404
    assert api.get(f"/api/v1/posts/{posts['hidden'].pk}/").status_code == 404  # hidden deal: as if absent
    api.force_authenticate(team_user)
    assert {"OPENBARE-VRAAG", "PROGRAMMA-VRAAG"} <= _titles(api)
    assert "GEHEIME-VRAAG" not in _titles(api)
    assert api.get(f"/api/v1/posts/{posts['hidden'].pk}/").status_code == 404
    assert _titles(api, "?direction=aanbod") == {"AANBOD-FONDS"}
    assert _titles(api, "?deal=cd-proef") == {"OPENBARE-VRAAG", "PROGRAMMA-VRAAG"}
    one = api.get(f"/api/v1/posts/{posts['programme'].pk}/").json()
    assert one["deal"] == "cd-proef" and one["visibility"] == "programma" and one["kind"] == "financiering"


def test_match_marks_are_read_by_the_team_of_the_need(api, posts, team_user, outsider, partner_user):
    offer = posts["offer"]
    mark_match(actor=team_user, need=posts["public"], offer=offer, status="nuttig")
    hidden_offer = _post(posts["hidden"].deal, posts["hidden"].organisation, direction="aanbod",
                         title="GEHEIM-AANBOD")
    # (the system: the team may not read the hidden deal, so could not mark its offer)
    mark_match(actor=None, need=posts["public"], offer=hidden_offer, status="gecontacteerd")
    assert api.get("/api/v1/match-marks/").json()["count"] == 0  # anonymous
    api.force_authenticate(outsider)  # team of the offer's deal, not of the need's
    assert api.get("/api/v1/match-marks/").json()["count"] == 0
    for user in (team_user, partner_user):
        api.force_authenticate(user)
        marks = api.get("/api/v1/match-marks/").json()["results"]
        # the mark on an offer of a deal the user may not read is not shown
        assert [(m["need"], m["offer"], m["status"], m["deal"]) for m in marks] == [
            (posts["public"].pk, offer.pk, "nuttig", "cd-proef")]


def test_posting_goes_through_the_service(api, deal, partner_org, other_org, partner_user, outsider):
    body = {"deal": "cd-proef", "organisation": partner_org.slug, "direction": "aanbod", "kind": "data",
            "title": "Open data over wijken", "text": "Wij delen onze wijkdata.", "region": "PV26",
            "visibility": "programma"}
    api.force_authenticate(outsider)
    assert api.post("/api/v1/posts/", body, format="json").status_code == 403
    api.force_authenticate(partner_user)
    refused = api.post("/api/v1/posts/", {**body, "organisation": other_org.slug}, format="json")
    assert refused.status_code == 403  # a partner member posts for its own organisation only
    wrong = api.post("/api/v1/posts/", {**body, "region": "Utrecht"}, format="json")
    assert wrong.status_code == 400 and "region" in wrong.json()
    created = api.post("/api/v1/posts/", body, format="json")
    assert created.status_code == 201, created.content
    post = Post.objects.get(pk=created.json()["id"])
    assert post.created_by == partner_user and post.history.first().history_user == partner_user
    closed = api.patch(f"/api/v1/posts/{post.pk}/", {"is_open": False}, format="json")
    assert closed.status_code == 200 and not Post.objects.get(pk=post.pk).is_open
    hidden = DealFactory(unpublished=True, slug="cd-verborgen")
    assert api.post("/api/v1/posts/", {**body, "deal": hidden.slug}, format="json").status_code == 400


def test_organisations_carry_their_identifiers(api, deal):
    org = OrganisationFactory(name="Stichting Wijkdata", kvk_number="12345678",
                              oin="00000001234567890000", web_domain="wijkdata.nl")
    Participation.objects.create(deal=deal, organisation=org)
    data = api.get(f"/api/v1/organisations/{org.slug}/").json()
    assert (data["kvk_number"], data["oin"], data["web_domain"]) == (
        "12345678", "00000001234567890000", "wijkdata.nl")
    assert "cbs_code" in data


def test_the_poster_of_a_need_marks_a_match_through_the_api(api, posts, team_user, partner_user, outsider,
                                                              other_org):
    """POST and PATCH of a decision go through ecosystem.services.mark_match: only who may
    manage the need (its deal team, a partner member of its organisation), on an offer the
    user may read, never a post of a deal the user may not read."""
    from dealmonitor.ecosystem.models import MatchMark

    need, offer = posts["public"], posts["offer"]
    body = {"need": need.pk, "offer": offer.pk, "status": "gecontacteerd"}
    assert api.post("/api/v1/match-marks/", body, format="json").status_code in (401, 403)  # anonymous
    api.force_authenticate(outsider)  # may read both posts, is not of the need's side
    assert api.post("/api/v1/match-marks/", body, format="json").status_code == 403
    assert not MatchMark.objects.exists()
    api.force_authenticate(partner_user)
    hidden = _post(posts["hidden"].deal, posts["hidden"].organisation, direction="aanbod", title="GEHEIM")
    unseen = api.post("/api/v1/match-marks/", {**body, "offer": hidden.pk}, format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert unseen.status_code == 400 and "offer" in unseen.json()  # as if it did not exist
    created = api.post("/api/v1/match-marks/", body, format="json")
    assert created.status_code == 201, created.content
    mark = MatchMark.objects.get()
    assert (mark.status, mark.marked_by, created.json()["deal"]) == ("gecontacteerd", partner_user, "cd-proef")
    changed = api.patch(f"/api/v1/match-marks/{mark.pk}/", {"status": "nuttig"}, format="json")
    assert changed.status_code == 200, changed.content
    assert MatchMark.objects.get().status == "nuttig"
    assert [h.status for h in MatchMark.objects.get().history.order_by("history_id")] == ["gecontacteerd", "nuttig"]
    again = api.post("/api/v1/match-marks/", {**body, "status": "niet-nuttig"}, format="json")
    assert again.status_code == 400 and MatchMark.objects.get().status == "nuttig"  # one decision: PATCH it
    wrong = api.patch(f"/api/v1/match-marks/{mark.pk}/", {"status": "geweldig"}, format="json")
    assert wrong.status_code == 400 and MatchMark.objects.get().status == "nuttig"
    api.force_authenticate(outsider)
    assert api.patch(f"/api/v1/match-marks/{mark.pk}/", {"status": "niet-nuttig"}, format="json").status_code == 404
    api.force_authenticate(team_user)
    # a need is not marked as the match of a need
    assert api.post("/api/v1/match-marks/", {"need": need.pk, "offer": posts["programme"].pk, "status": "nuttig"},
                    format="json").status_code == 400


@pytest.fixture
def own_posts(partner_org):
    """Posts an organisation made for itself, outside any deal."""
    return {
        "public": _post(None, partner_org, title="EIGEN-OPENBAAR"),
        "programme": _post(None, partner_org, title="EIGEN-PROGRAMMA", visibility="programma"),
        "closed": _post(None, partner_org, title="EIGEN-GESLOTEN", is_open=False),
    }


def test_an_organisations_own_posts_are_read_as_on_its_page(api, posts, own_posts, outsider, partner_user):
    assert _titles(api) == {"OPENBARE-VRAAG", "AANBOD-FONDS", "EIGEN-OPENBAAR"}  # anonymous: public only
    one = api.get(f"/api/v1/posts/{own_posts['public'].pk}/").json()
    assert (one["deal"], one["organisation"], one["title"]) == (None, own_posts["public"].organisation.slug,
                                                                "EIGEN-OPENBAAR")
    assert api.get(f"/api/v1/posts/{own_posts['programme'].pk}/").status_code == 404
    api.force_authenticate(outsider)  # signed in, not linked to the organisation
    assert {"EIGEN-OPENBAAR", "EIGEN-PROGRAMMA"} <= _titles(api)
    assert "EIGEN-GESLOTEN" not in _titles(api)
    assert api.get(f"/api/v1/posts/{own_posts['closed'].pk}/").status_code == 404
    assert _titles(api, "?deal=cd-proef") == {"OPENBARE-VRAAG", "PROGRAMMA-VRAAG"}
    api.force_authenticate(partner_user)  # linked to it: manages its closed post too
    assert "EIGEN-GESLOTEN" in _titles(api, "?is_open=false")


def test_an_organisation_posts_for_itself_through_the_api(api, partner_org, other_org, partner_user, outsider):
    body = {"organisation": partner_org.slug, "direction": "aanbod", "kind": "kennis",
            "title": "Kennis over warmtenetten", "text": "Wij delen wat we leerden.", "region": "landelijk",
            "visibility": "openbaar"}
    assert api.post("/api/v1/posts/", body, format="json").status_code in (401, 403)  # anonymous
    api.force_authenticate(outsider)  # not linked to the organisation
    refused = api.post("/api/v1/posts/", body, format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert refused.status_code == 403
    assert refused.json()["detail"] == ("U mag alleen vraag en aanbod plaatsen voor een organisatie "
                                        "waaraan u verbonden bent.")
    assert not Post.objects.exists()
    api.force_authenticate(partner_user)
    assert api.post("/api/v1/posts/", {**body, "organisation": other_org.slug}, format="json").status_code == 403
    assert api.post("/api/v1/posts/", {**body, "deal": None, "organisation": None},
                    format="json").status_code == 400
    created = api.post("/api/v1/posts/", {**body, "deal": None}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["deal"] is None
    post = Post.objects.get()
    assert (post.deal, post.organisation, post.created_by) == (None, partner_org, partner_user)
    api.force_authenticate(outsider)  # reads it (public), may not change it
    assert api.get(f"/api/v1/posts/{post.pk}/").status_code == 200
    assert api.patch(f"/api/v1/posts/{post.pk}/", {"title": "Overgenomen"}, format="json").status_code == 403
    assert api.put(f"/api/v1/posts/{post.pk}/", {**body, "title": "Overgenomen"},
                   format="json").status_code == 403
    assert Post.objects.get().title == "Kennis over warmtenetten"
    api.force_authenticate(partner_user)
    changed = api.patch(f"/api/v1/posts/{post.pk}/", {"title": "Kennis over warmte", "deal": "cd-proef"},
                        format="json")
    assert changed.status_code == 200, changed.content
    post = Post.objects.get()
    assert (post.title, post.deal) == ("Kennis over warmte", None)  # it stays the organisation's own
    closed = api.patch(f"/api/v1/posts/{post.pk}/", {"is_open": False}, format="json")
    assert closed.status_code == 200 and not Post.objects.get().is_open
    api.force_authenticate(outsider)  # a closed post: as if absent for who does not manage it
    assert api.patch(f"/api/v1/posts/{post.pk}/", {"is_open": True}, format="json").status_code == 404


def test_matches_of_an_organisations_own_need_are_marked_through_the_api(api, posts, partner_org, partner_user,
                                                                          outsider):
    from dealmonitor.ecosystem.models import MatchMark

    need = _post(None, partner_org, kind="financiering", title="EIGEN-VRAAG")
    offer = posts["offer"]
    body = {"need": need.pk, "offer": offer.pk, "status": "gecontacteerd"}
    api.force_authenticate(outsider)  # reads the need, does not manage it
    refused = api.post("/api/v1/match-marks/", body, format="json")
    assert refused.status_code == 403, refused.content
    api.force_authenticate(partner_user)
    created = api.post("/api/v1/match-marks/", body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["deal"] is None
    mark = MatchMark.objects.get()
    assert api.patch(f"/api/v1/match-marks/{mark.pk}/", {"status": "nuttig"}, format="json").status_code == 200
    assert [(m["need"], m["status"]) for m in api.get("/api/v1/match-marks/").json()["results"]] == [
        (need.pk, "nuttig")]
    api.force_authenticate(outsider)
    assert api.get("/api/v1/match-marks/").json()["count"] == 0
    api.force_authenticate(None)
    assert api.get("/api/v1/match-marks/").json()["count"] == 0


def test_the_list_of_posts_takes_as_many_queries_for_many_posts(api, posts, partner_org, partner_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dealmonitor.deals.models import Theme

    theme = Theme.objects.first() or Theme.objects.create(name="Energie")
    api.force_authenticate(partner_user)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert api.get("/api/v1/posts/").status_code == 200
        return len(queries)

    _post(None, partner_org, title="EEN", themes=[theme])
    count()  # (once-per-process look-ups out of the way)
    few = count()
    for i in range(5):
        _post(None, partner_org, title=f"MEER-{i}", themes=[theme], visibility="programma")
        _post(posts["public"].deal, partner_org, title=f"DEAL-{i}", themes=[theme])
    assert len(api.get("/api/v1/posts/").json()["results"]) == 14  # 3 + 1 + 10
    assert count() == few
