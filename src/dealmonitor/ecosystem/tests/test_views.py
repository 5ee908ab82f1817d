"""Needs and offers in the app: a partner member posts a need for its own organisation, sees
the offers that fit with the reasons, and marks one; the marks are counted; a post for the
programme is not public; the CoP seating puts deals whose needs and offers fit together."""

import pytest
from django.urls import reverse

from dealmonitor.connections import cop
from dealmonitor.deals.models import Participation, Theme
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory
from dealmonitor.ecosystem.models import MatchMark, Post
from dealmonitor.ecosystem.services import save_post
from dealmonitor.impact.tests.conftest import (  # noqa: F401 (fixtures)
    deal,
    other_deal,
    other_org,
    partner_org,
    partner_user,
    team_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(other_deal):
    other_deal.is_published = True
    other_deal.save()
    financier = OrganisationFactory(company=True, name="Impactfonds Oost")
    Participation.objects.create(deal=other_deal, organisation=financier)
    theme = Theme.objects.get_or_create(name="impact ondernemen")[0]
    return save_post(actor=None, deal=other_deal, organisation=financier, themes=[theme],
                     direction="aanbod", kind="financiering", title="Impactfinanciering voor sociale ondernemers",
                     text="Wij financieren sociale ondernemers die hun impact willen opschalen.",
                     region="landelijk", visibility="openbaar")


def test_a_partner_member_posts_a_need_and_marks_a_fitting_offer(client, deal, partner_user, partner_org, other_org, offer):
    client.force_login(partner_user)
    url = reverse("ecosystem:deal", args=[deal.slug])
    page = client.get(url).content.decode()
    assert other_org.name not in page.split('name="organisation"')[1].split("</select>")[0]  # own organisation only
    response = client.post(url, {
        "direction": "vraag", "organisation": partner_org.pk, "kind": "financiering",
        "title": "Financiering om onze sociale onderneming op te schalen",
        "text": "Wij zoeken impactfinanciering om als sociale ondernemer op te schalen.",
        "themes": [Theme.objects.get(name="impact ondernemen").pk], "region": "PV26",
        "visibility": "programma"})
    assert response.status_code == 302
    need = Post.objects.get(direction="vraag")
    page = client.get(need.get_absolute_url()).content.decode()
    assert offer.title in page and "impact ondernemen" in page and "sociale" in page.split("id=\"matches\"")[1]
    client.post(need.get_absolute_url(), {"offer": offer.pk, "status": "nuttig"})
    assert MatchMark.objects.get(need=need, offer=offer).status == "nuttig"
    figures = client.get(reverse("ecosystem:list")).content.decode()
    assert "1 van 1" in figures  # one need, one with a useful match
    # posting for another partner of the deal is refused
    response = client.post(url, {"direction": "vraag", "organisation": other_org.pk, "kind": "data",
                                 "title": "x", "text": "y", "visibility": "programma"})
    assert response.status_code == 400 and not Post.objects.filter(organisation=other_org).exists()


def test_a_programme_post_is_not_public(client, deal, partner_org, offer):
    deal.is_published = True
    deal.save()
    need = save_post(actor=None, deal=deal, organisation=partner_org, direction="vraag",
                     kind="financiering", title="Interne vraag", text="Alleen voor het programma.",
                     visibility="programma")
    assert client.get(need.get_absolute_url()).status_code == 404
    assert "Interne vraag" not in client.get(reverse("ecosystem:list")).content.decode()
    assert offer.title in client.get(reverse("ecosystem:list")).content.decode()


def test_only_the_poster_marks(client, deal, team_user, other_deal, offer, partner_org):
    need = save_post(actor=None, deal=deal, organisation=partner_org, direction="vraag",
                     kind="financiering", title="Impactfinanciering gezocht",
                     text="Sociale ondernemers zoeken impactfinanciering om op te schalen.",
                     visibility="openbaar")
    deal.is_published = True
    deal.save()
    outsider = OrganisationFactory()
    assert client.post(need.get_absolute_url(), {"offer": offer.pk, "status": "nuttig"}).status_code == 302
    assert not MatchMark.objects.exists()  # anonymous: sent to sign in
    client.force_login(team_user)
    client.post(need.get_absolute_url(), {"offer": offer.pk, "status": "gecontacteerd"})
    assert MatchMark.objects.get().status == "gecontacteerd"
    assert outsider.pk


def test_the_cop_seating_puts_deals_whose_needs_and_offers_fit_together(deal, partner_org, offer):
    need = save_post(actor=None, deal=deal, organisation=partner_org, direction="vraag",
                     kind="financiering", title="Impactfinanciering voor sociale ondernemers gezocht",
                     text="Wij zoeken financiering om sociale ondernemers te laten opschalen.")
    others = [DealFactory() for _ in range(6)]
    deals = [need.deal, offer.deal, *others]
    assert cop.pair_scores(deals, needs_and_offers=False) == {}
    tables = cop.propose_seating(deals)
    together = [t for t in tables if need.deal in t][0]
    assert offer.deal in together
