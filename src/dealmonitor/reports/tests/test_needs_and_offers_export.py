"""Needs, offers and match decisions in the deal and portfolio workbooks (issue 18.6), in the
import format (imports/kinds/post.py, match_mark.py): the posts the user may read, the
decisions only for who may see the need's deal's internals and only on offers the file holds,
never a post of a deal the user may not read; the portfolio adds what organisations posted
for themselves."""

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


def _rows(sheet):
    return [dict(zip(sheet[0], r)) for r in sheet[1:]]


def _post(deal, organisation, title, **fields):
    values = {"direction": "vraag", "kind": "data", "text": "Tekst.", "visibility": "programma", **fields}
    return save_post(actor=None, deal=deal, organisation=organisation, title=title, **values)


@pytest.fixture
def marked(deal, partner_org, other_deal, team_user):
    fund = OrganisationFactory(name="Datafonds")
    Participation.objects.create(deal=other_deal, organisation=fund)
    neighbour = OrganisationFactory(name="Wijkdata BV")
    Participation.objects.create(deal=deal, organisation=neighbour)
    secret = DealFactory(unpublished=True, slug="cd-geheim")
    hidden_org = OrganisationFactory(name="Geheime Partner")
    Participation.objects.create(deal=secret, organisation=hidden_org)
    need = _post(deal, partner_org, "WIJKDATA-GEZOCHT", region="PV26")
    own_offer = _post(deal, neighbour, "WIJKDATA-AANGEBODEN", direction="aanbod")
    offer = _post(other_deal, fund, "DATA-AANGEBODEN", direction="aanbod", visibility="openbaar")
    hidden = _post(secret, hidden_org, "GEHEIM-AANBOD", direction="aanbod")
    _post(None, fund, "EIGEN-AANBOD", direction="aanbod", visibility="openbaar")
    mark_match(actor=team_user, need=need, offer=own_offer, status="nuttig")
    mark_match(actor=team_user, need=need, offer=offer, status="gecontacteerd")
    mark_match(actor=None, need=need, offer=hidden, status="niet-nuttig")
    return need, own_offer


def test_the_team_gets_the_posts_and_its_match_decisions(deal, marked, team_user):
    sheets = _sheets(exports.deal_workbook(team_user, deal))
    posts = _rows(sheets["Vraag en aanbod"])
    assert sorted(r["titel"] for r in posts) == ["WIJKDATA-AANGEBODEN", "WIJKDATA-GEZOCHT"]
    need = next(r for r in posts if r["titel"] == "WIJKDATA-GEZOCHT")
    assert (need["deal_id"], need["vraag_of_aanbod"], need["regio"], need["zichtbaarheid"], need["open"]) == (
        "cd-proef", "vraag", "PV26", "programma", "ja")
    # only the decision on the offer the file holds: the workbook refers to nothing outside it
    assert [(r["vraag"], r["aanbod"], r["status"]) for r in _rows(sheets["Matchbesluiten"])] == [
        ("WIJKDATA-GEZOCHT", "WIJKDATA-AANGEBODEN", "nuttig")]


def test_others_get_no_decisions_and_no_hidden_posts(deal, marked, outsider, staff_user):
    sheets = _sheets(exports.deal_workbook(outsider, deal))
    assert sorted(r["titel"] for r in _rows(sheets["Vraag en aanbod"])) == ["WIJKDATA-AANGEBODEN", "WIJKDATA-GEZOCHT"]
    assert "Matchbesluiten" not in sheets  # no decision to show: no sheet (an empty one would not import)
    portfolio = _sheets(exports.portfolio_workbook(outsider))
    titles = {r["titel"] for r in _rows(portfolio["Vraag en aanbod"])}
    assert titles == {"WIJKDATA-GEZOCHT", "WIJKDATA-AANGEBODEN", "DATA-AANGEBODEN", "EIGEN-AANBOD"}
    everything = _sheets(exports.portfolio_workbook(staff_user))
    assert "GEHEIM-AANBOD" in {r["titel"] for r in _rows(everything["Vraag en aanbod"])}
    assert len(_rows(everything["Matchbesluiten"])) == 3
