"""Partners managed in the app (issue 16, item 3): the deal team adds a registered organisation
(found while typing) or a new one (refused or questioned when it duplicates one), records kind,
stance, dates, commitment and contact; a partner member updates its own organisation's
commitment and contact, and only that."""

from decimal import Decimal

import pytest
from django.urls import reverse

from dealmonitor.deals.models import Participation
from dealmonitor.impact.tests.conftest import (  # noqa: F401 (fixtures)
    deal,
    other_deal,
    other_org,
    partner_org,
    partner_user,
    team_user,
)
from dealmonitor.organisations.models import Organisation
from dealmonitor.organisations.services import save_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def den_haag(db):
    return save_organisation(actor=None, slug="gemeente-den-haag", name="Gemeente Den Haag",
                             type="gemeente")


def _login(client, user):
    client.force_login(user)
    return client


def test_the_partners_tab_lists_partners_and_hides_internals_from_the_public(client, deal, partner_org):
    Participation.objects.filter(deal=deal).update(commitment_in_kind="GEHEIM-IN-NATURA")
    deal.is_published = True
    deal.save()
    page = client.get(reverse("deals:partners", args=[deal.slug])).content.decode()
    assert partner_org.name in page and "GEHEIM-IN-NATURA" not in page
    assert reverse("deals:partners", args=[deal.slug]) in client.get(deal.get_absolute_url()).content.decode()


def test_the_team_adds_a_registered_organisation_found_while_typing(client, deal, other_deal, team_user, den_haag):
    # registered through a published deal: every signed-in user may know it
    Participation.objects.create(deal=other_deal, organisation=den_haag)
    other_deal.is_published = True
    other_deal.save()
    _login(client, team_user)
    options = client.get(reverse("deals:organisation_options", args=[deal.slug]),
                         {"organisation": "den haag"}).content.decode()
    assert 'value="gemeente-den-haag"' in options
    response = client.post(reverse("deals:partners", args=[deal.slug]), {
        "organisation": "gemeente-den-haag", "kind": "ondertekenaar", "stance": "enthousiast",
        "joined": "2023-05", "commitment_money": "25000", "commitment_fte": "0.4",
        "commitment_in_kind": "vergaderruimte", "contact_name": "A. de Vries",
        "contact_email": "a.devries@example.org",
    })
    assert response.status_code == 302
    row = Participation.objects.get(deal=deal, organisation=den_haag)
    assert (row.kind, row.stance, row.joined_on_display) == ("ondertekenaar", "enthousiast", "mei 2023")
    assert row.commitment_money == Decimal("25000") and row.commitment_fte == Decimal("0.4")
    assert row.contact_email == "a.devries@example.org"
    assert row.history.first().history_user == team_user


def test_a_new_organisation_that_is_a_registered_one_is_refused_with_a_pointer(client, deal, team_user, den_haag):
    Participation.objects.create(deal=deal, organisation=den_haag)
    _login(client, team_user)
    response = client.post(reverse("deals:partners", args=[deal.slug]), {
        "name": "GEMEENTE 's-GRAVENHAGE", "type": "gemeente", "kind": "partner"})
    assert response.status_code == 400
    assert "gemeente-den-haag" in response.content.decode()
    assert Organisation.objects.filter(type="gemeente", cbs_code="GM0518").count() == 1
    warning = client.get(reverse("deals:organisation_options", args=[deal.slug]),
                         {"name": "gemeente den haag", "type": "gemeente"}).content.decode()
    assert "Gemeente Den Haag" in warning


def test_a_match_in_a_deal_the_user_cannot_read_is_not_named(client, deal, team_user, den_haag):
    _login(client, team_user)
    response = client.post(reverse("deals:partners", args=[deal.slug]), {
        "name": "gemeente den haag", "type": "gemeente", "kind": "partner"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "programmabeheerder" in body and "gemeente-den-haag" not in body


def test_a_resembling_new_name_asks_to_confirm(client, deal, team_user):
    save_organisation(actor=None, slug="hogeschool-utrecht", name="Hogeschool Utrecht", type="kennisinstelling")
    Participation.objects.create(deal=deal, organisation=Organisation.objects.get(slug="hogeschool-utrecht"))
    _login(client, team_user)
    data = {"name": "Hoge School Utrecht", "type": "kennisinstelling", "kind": "partner"}
    response = client.post(reverse("deals:partners", args=[deal.slug]), data)
    assert response.status_code == 400 and "Hogeschool Utrecht" in response.content.decode()
    response = client.post(reverse("deals:partners", args=[deal.slug]), {**data, "confirm_similar": "on"})
    assert response.status_code == 302
    assert Participation.objects.filter(deal=deal, organisation__name="Hoge School Utrecht").exists()


def test_the_team_changes_a_participation(client, deal, team_user, partner_org):
    row = Participation.objects.get(deal=deal, organisation=partner_org)
    _login(client, team_user)
    url = reverse("deals:partner_edit", args=[deal.slug, row.pk])
    assert client.post(url, {"kind": "partner", "joined": "mei 2023"}).status_code == 400
    response = client.post(url, {"kind": "stakeholder", "joined": "2021", "left": "2024-02-01",
                                 "stance": "neutraal"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.kind, row.joined_on_display, row.stance) == ("stakeholder", "2021", "neutraal")


def test_a_partner_member_updates_its_own_commitment_and_nothing_else(client, deal, partner_user, partner_org, other_org):
    own = Participation.objects.get(deal=deal, organisation=partner_org)
    other = Participation.objects.get(deal=deal, organisation=other_org)
    _login(client, partner_user)
    page = client.get(reverse("deals:partners", args=[deal.slug])).content.decode()
    assert reverse("deals:partner_commitment", args=[deal.slug, own.pk]) in page
    assert reverse("deals:partner_commitment", args=[deal.slug, other.pk]) not in page
    response = client.post(reverse("deals:partner_commitment", args=[deal.slug, own.pk]), {
        "commitment_money": "10000", "commitment_fte": "1.5", "commitment_in_kind": "",
        "contact_name": "B. Jansen", "contact_email": "b.jansen@example.org"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.commitment_fte == Decimal("1.5") and own.contact_name == "B. Jansen"
    assert client.post(reverse("deals:partner_commitment", args=[deal.slug, other.pk]),
                       {"commitment_money": "1"}).status_code == 403
    assert client.get(reverse("deals:partner_edit", args=[deal.slug, own.pk])).status_code == 403
    assert client.post(reverse("deals:partners", args=[deal.slug]),
                       {"name": "Nieuw", "type": "bedrijf"}).status_code == 403
    other.refresh_from_db()
    assert other.commitment_money is None
