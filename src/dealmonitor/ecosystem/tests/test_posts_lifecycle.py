"""A post after it is posted: its author or the deal team changes or closes it (with history);
a closed post leaves the matching and the lists but its poster still sees it with the marks;
an organisation posts for itself, outside a deal, when a user is linked to it; every post is
found through the gateway (ecosystem/access.py)."""

import pytest
from django.urls import reverse

from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.models import Participation
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory
from dealmonitor.ecosystem import matching
from dealmonitor.ecosystem.models import MatchMark, Post
from dealmonitor.ecosystem.services import mark_match, save_post
from dealmonitor.impact.tests.conftest import (  # noqa: F401 (fixtures)
    deal,
    other_deal,
    other_org,
    outsider,
    partner_org,
    partner_user,
    team_user,
)

pytestmark = pytest.mark.django_db


def _need(deal, organisation, actor=None, **fields):
    values = {"direction": "vraag", "kind": "financiering", "title": "Impactfinanciering gezocht",
              "text": "Sociale ondernemers zoeken impactfinanciering om op te schalen.",
              "visibility": "openbaar", **fields}
    return save_post(actor=actor, deal=deal, organisation=organisation, **values)


@pytest.fixture
def offer(other_deal):
    other_deal.is_published = True
    other_deal.save()
    financier = OrganisationFactory(company=True, name="Impactfonds Oost")
    Participation.objects.create(deal=other_deal, organisation=financier)
    return save_post(actor=None, deal=other_deal, organisation=financier, direction="aanbod",
                     kind="financiering", title="Impactfinanciering voor sociale ondernemers",
                     text="Wij financieren sociale ondernemers die hun impact willen opschalen.",
                     visibility="openbaar")


def _edit_form(post, **changes):
    data = {"direction": post.direction, "kind": post.kind, "title": post.title, "text": post.text,
            "region": post.region, "visibility": post.visibility, "is_open": "on", **changes}
    return {k: v for k, v in data.items() if v is not None}


def test_the_author_changes_and_closes_a_post_and_still_sees_it_with_its_marks(
        client, deal, partner_user, partner_org, offer, django_user_model):
    need = _need(deal, partner_org, actor=partner_user)
    deal.is_published = True
    deal.save()
    mark_match(actor=partner_user, need=need, offer=offer, status="nuttig")
    client.force_login(partner_user)
    edit = reverse("ecosystem:edit", args=[need.pk])
    page = client.get(edit).content.decode()
    assert 'name="is_open"' in page and need.title in page
    response = client.post(edit, _edit_form(need, title="Impactfinanciering voor opschaling gezocht",
                                            reason="titel verduidelijkt"))
    assert response.status_code == 302, response.content.decode()[:2000]
    need.refresh_from_db()
    assert need.title == "Impactfinanciering voor opschaling gezocht"
    # closing: untick "open"
    response = client.post(edit, _edit_form(need, is_open=None, reason="gevonden"))
    assert response.status_code == 302
    need.refresh_from_db()
    assert not need.is_open and need.closed_at is not None
    reasons = [h.history_change_reason for h in need.history.order_by("history_id")]
    assert reasons[-2:] == ["titel verduidelijkt", "gevonden"]
    # out of the matching and the lists
    assert need not in [m.post for m in matching.matches_for(offer)]
    assert need.title not in client.get(reverse("ecosystem:list")).content.decode()
    # the poster still sees it, with the mark and the history
    page = client.get(need.get_absolute_url()).content.decode()
    assert "Gesloten" in page and offer.title in page and "nuttig" in page and "gevonden" in page
    # someone else does not
    client.force_login(django_user_model.objects.create_user("lezer", password="x" * 20))
    assert client.get(need.get_absolute_url()).status_code == 404
    # reopened, it matches again
    client.force_login(partner_user)
    client.post(edit, _edit_form(need, reason="toch nog nodig"))
    assert Post.objects.get(pk=need.pk).is_open
    assert need.pk in [m.post.pk for m in matching.matches_for(offer)]


def test_only_the_author_or_the_deal_team_changes_a_post(client, deal, team_user, partner_org, other_org,
                                                         partner_user, outsider, django_user_model):
    deal.is_published = True
    deal.save()
    need = _need(deal, other_org, actor=team_user)  # the team posts for another partner
    edit = reverse("ecosystem:edit", args=[need.pk])
    client.force_login(partner_user)  # partner member of another organisation of the deal
    assert client.get(edit).status_code == 403
    assert client.post(edit, _edit_form(need, title="Gekaapt")).status_code == 403
    client.force_login(outsider)
    assert client.post(edit, _edit_form(need, title="Gekaapt")).status_code == 403
    assert Post.objects.get(pk=need.pk).title != "Gekaapt"
    client.force_login(team_user)
    assert client.post(edit, _edit_form(need, text="x" * 2001)).status_code == 400  # the one maximum
    assert client.post(edit, _edit_form(need, title="Door het team")).status_code == 302
    # the author keeps the right to change it, whatever their role becomes
    author = django_user_model.objects.create_user("auteur", password="x" * 20)
    DealMembership.objects.create(user=author, deal=deal, role="partner", organisation=partner_org)
    own = _need(deal, partner_org, actor=author, title="Eigen vraag")
    DealMembership.objects.filter(user=author).delete()
    client.force_login(author)
    assert client.post(reverse("ecosystem:edit", args=[own.pk]), _edit_form(own, title="Nog steeds mijn vraag")
                       ).status_code == 302


def test_an_organisation_posts_for_itself_when_a_user_is_linked_to_it(client, deal, partner_user, partner_org,
                                                                     other_org, offer, outsider):
    page = reverse("ecosystem:organisation", args=[partner_org.slug])
    client.force_login(partner_user)  # linked to partner_org: a partner member of it
    assert partner_org.name in client.get(reverse("ecosystem:list")).content.decode().split('id="own-organisations"')[1]
    response = client.post(page, {"direction": "vraag", "kind": "financiering",
                                  "title": "Financiering voor onze sociale onderneming",
                                  "text": "Wij zoeken impactfinanciering om op te schalen als sociale ondernemer.",
                                  "visibility": "programma"})
    assert response.status_code == 302
    post = Post.objects.get(deal__isnull=True)
    assert post.organisation == partner_org and post.created_by == partner_user
    assert offer.pk in [m.post.pk for m in matching.matches_for(post)]  # matched like any need
    assert post.title in client.get(page).content.decode()
    assert post.title in client.get(reverse("ecosystem:list")).content.decode()
    # another organisation: refused
    assert client.post(reverse("ecosystem:organisation", args=[other_org.slug]),
                       {"direction": "vraag", "kind": "data", "title": "x", "text": "y",
                        "visibility": "programma"}).status_code == 403
    # for the programme: signed-in users read it, the public does not
    client.force_login(outsider)
    assert client.get(post.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(post.get_absolute_url()).status_code == 404
    assert post.title not in client.get(reverse("ecosystem:list")).content.decode()
    post.visibility = "openbaar"
    post.save()
    assert client.get(post.get_absolute_url()).status_code == 200


def test_a_post_of_a_hidden_deal_is_not_found_through_the_gateway(client, partner_user):
    secret = DealFactory(unpublished=True, slug="cd-geheim")
    org = OrganisationFactory(name="Geheime Partner")
    Participation.objects.create(deal=secret, organisation=org)
    post = _need(secret, org, title="GEHEIM")
    client.force_login(partner_user)
    for url in (post.get_absolute_url(), reverse("ecosystem:edit", args=[post.pk]),
                reverse("ecosystem:detail", args=[999999])):
        response = client.get(url)
        assert response.status_code == 404 and "GEHEIM" not in response.content.decode()


def test_the_pages_read_a_bounded_number_of_queries(client, deal, partner_user, partner_org, offer,
                                                     django_assert_max_num_queries):
    need = _need(deal, partner_org, actor=partner_user)
    mark_match(actor=partner_user, need=need, offer=offer, status="nuttig")
    client.force_login(partner_user)
    for _ in range(5):
        _need(deal, partner_org, actor=partner_user, title="Nog een vraag", kind="data")
    with django_assert_max_num_queries(30):
        assert client.get(reverse("ecosystem:list")).status_code == 200
    with django_assert_max_num_queries(40):
        assert client.get(need.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("ecosystem:organisation", args=[partner_org.slug])).status_code == 200


def test_marks_are_refused_on_a_closed_need(deal, partner_org, offer, team_user):
    from django.core.exceptions import ValidationError

    need = _need(deal, partner_org, actor=team_user, is_open=False)
    with pytest.raises(ValidationError):
        mark_match(actor=team_user, need=need, offer=offer, status="nuttig")
    assert not MatchMark.objects.exists()
