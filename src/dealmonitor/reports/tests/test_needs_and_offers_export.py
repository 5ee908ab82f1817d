"""Needs, offers and match decisions in the deal and portfolio workbooks (issue 18.6): the
posts the user may read, the decisions only for who may see the need's deal's internals, and
never a post or offer of a deal the user may not read."""

import io

import pytest
from openpyxl import load_workbook

from dealmonitor.deals.models import Participation
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory
from dealmonitor.ecosystem.services import mark_match, save_post
from dealmonitor.reports import exports

pytestmark = pytest.mark.django_db


def _sheets(data):
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _post(deal, organisation, title, **fields):
    values = {"direction": "vraag", "kind": "data", "text": "Tekst.", "visibility": "programma", **fields}
    return save_post(actor=None, deal=deal, organisation=organisation, title=title, **values)


@pytest.fixture
def marked(deal, partner_org, other_deal, team_user):
    fund = OrganisationFactory(name="Datafonds")
    Participation.objects.create(deal=other_deal, organisation=fund)
    secret = DealFactory(unpublished=True, slug="cd-geheim")
    hidden_org = OrganisationFactory(name="Geheime Partner")
    Participation.objects.create(deal=secret, organisation=hidden_org)
    need = _post(deal, partner_org, "WIJKDATA-GEZOCHT", region="PV26")
    offer = _post(other_deal, fund, "DATA-AANGEBODEN", direction="aanbod", visibility="openbaar")
    hidden = _post(secret, hidden_org, "GEHEIM-AANBOD", direction="aanbod")
    mark_match(actor=team_user, need=need, offer=offer, status="nuttig")
    mark_match(actor=team_user, need=need, offer=hidden, status="gecontacteerd")
    return need, offer


def test_the_team_gets_the_posts_and_its_match_decisions(deal, marked, team_user):
    need, offer = marked
    sheets = _sheets(exports.deal_workbook(team_user, deal))
    posts = sheets["Vraag en aanbod"]
    assert [r[5] for r in posts[1:]] == ["WIJKDATA-GEZOCHT"]
    row = dict(zip(posts[0], posts[1]))
    assert (row["deal_id"], row["vraag_of_aanbod"], row["regio"], row["zichtbaarheid"]) == (
        "cd-proef", "vraag", "PV26", "programma")
    marks = sheets["Matchbesluiten"]
    # the mark on the offer of a deal the team may not read is left out
    assert [(r[0], r[3], r[6]) for r in marks[1:]] == [(need.pk, offer.pk, "nuttig")]


def test_others_get_no_decisions_and_no_hidden_posts(deal, marked, outsider, staff_user):
    sheets = _sheets(exports.deal_workbook(outsider, deal))
    assert [r[5] for r in sheets["Vraag en aanbod"][1:]] == ["WIJKDATA-GEZOCHT"]  # signed in
    assert "Matchbesluiten" not in sheets
    portfolio = _sheets(exports.portfolio_workbook(outsider))
    titles = {r[5] for r in portfolio["Vraag en aanbod"][1:]}
    assert titles == {"WIJKDATA-GEZOCHT", "DATA-AANGEBODEN"}
    everything = _sheets(exports.portfolio_workbook(staff_user))
    assert "GEHEIM-AANBOD" in {r[5] for r in everything["Vraag en aanbod"][1:]}
    assert len(everything["Matchbesluiten"]) == 3
