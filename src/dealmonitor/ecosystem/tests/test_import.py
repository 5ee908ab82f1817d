"""Needs, offers and match decisions from a spreadsheet (imports/kinds/post.py,
match_mark.py): written through ecosystem.services with the rules of the pages; a file with
any problem writes nothing, and each problem names its sheet, row and column in Dutch."""

import io

import pytest
from django.utils import translation
from openpyxl import Workbook

from dealmonitor.deals.models import Participation
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory
from dealmonitor.ecosystem.models import MatchMark, Post
from dealmonitor.ecosystem.services import save_post
from dealmonitor.impact.tests.conftest import (  # noqa: F401 (fixtures)
    deal,
    other_deal,
    other_org,
    outsider,
    partner_org,
    partner_user,
    team_user,
)
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import check_parts
from dealmonitor.imports.jobs import workbook_parts
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.services import ImportRefused, import_checked

pytestmark = pytest.mark.django_db


def _workbook(posts=(), marks=()):
    wb = Workbook()
    wb.remove(wb.active)
    for kind, rows in ((C.POSTS, posts), (C.MATCH_MARKS, marks)):
        if rows:
            ws = wb.create_sheet(kind.sheet)
            ws.append([c.key for c in kind.columns])
            for row in rows:
                ws.append([row.get(c.key) for c in kind.columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _check(actor, data):
    with translation.override("nl"):
        return check_parts(actor, workbook_parts(read_spreadsheet(data, "vraag-en-aanbod.xlsx")))


def _need(deal, org, **extra):
    return {"deal_id": deal.slug if deal else None, "organisatie_id": org.slug, "vraag_of_aanbod": "vraag",
            "wat": "financiering", "titel": "Financiering gezocht", "tekst": "Voor het opschalen.",
            "themas": "impact ondernemen", "regio": "PV26", "zichtbaarheid": "programma", **extra}


@pytest.fixture
def fund(other_deal):
    org = OrganisationFactory(company=True, name="Impactfonds Oost", slug="impactfonds-oost")
    Participation.objects.create(deal=other_deal, organisation=org)
    return org


def test_a_partner_member_imports_its_needs_and_their_match_decisions(deal, other_deal, partner_user, partner_org,
                                                                       fund):
    other_deal.is_published = True
    other_deal.save()
    save_post(actor=None, deal=other_deal, organisation=fund, direction="aanbod", kind="financiering",
              title="Impactleningen", text="Leningen voor sociale ondernemers.", visibility="openbaar")
    data = _workbook(
        posts=[_need(deal, partner_org), _need(None, partner_org, titel="Eigen vraag", wat="kennis")],
        marks=[{"deal_id": deal.slug, "organisatie_id": partner_org.slug, "vraag": "Financiering gezocht",
                "aanbod_deal_id": other_deal.slug, "aanbod_organisatie_id": fund.slug,
                "aanbod": "Impactleningen", "status": "nuttig"}])
    result = _check(partner_user, data)
    assert result.ok, [str(p) for p in result.problems]
    written = import_checked(actor=partner_user, result=result)
    assert written.counts["needs and offers"] == 2 and written.counts["match decisions"] == 1
    need = Post.objects.get(deal=deal, title="Financiering gezocht")
    assert need.created_by == partner_user and need.region == "PV26" and need.history.first().history_change_reason == "import"
    assert [t.name for t in need.themes.all()] == ["impact ondernemen"]
    assert Post.objects.get(deal__isnull=True).organisation == partner_org  # the organisation's own post
    mark = MatchMark.objects.get()
    assert (mark.need, mark.status, mark.marked_by) == (need, "nuttig", partner_user)
    # the same file again changes nothing and writes no history
    counts = (need.history.count(), mark.history.count())
    again = _check(partner_user, data)
    assert again.ok
    import_checked(actor=partner_user, result=again)
    assert (need.history.count(), mark.history.count()) == counts


def test_a_file_with_any_problem_writes_nothing_and_says_why_per_row(deal, other_deal, partner_user, partner_org,
                                                                      other_org, fund):
    secret = DealFactory(unpublished=True, slug="cd-geheim")
    hidden_org = OrganisationFactory(name="Geheime Partner", slug="geheime-partner")
    Participation.objects.create(deal=secret, organisation=hidden_org)
    save_post(actor=None, deal=secret, organisation=hidden_org, direction="aanbod", kind="financiering",
              title="Geheim aanbod", text="Tekst")
    data = _workbook(
        posts=[
            _need(deal, partner_org),  # fine on its own
            _need(deal, other_org, titel="Voor een ander"),  # another partner's organisation
            _need(secret, hidden_org, titel="In een verborgen deal"),
            _need(deal, fund, titel="Geen partner"),  # a partner of another deal
            _need(deal, partner_org, titel="Verkeerde regio", regio="Utrecht"),
            _need(deal, partner_org, titel="Te lang", tekst="x" * 2001),
            _need(None, other_org, titel="Niet verbonden"),
        ],
        marks=[{"deal_id": deal.slug, "organisatie_id": partner_org.slug, "vraag": "Financiering gezocht",
                "aanbod_deal_id": secret.slug, "aanbod_organisatie_id": hidden_org.slug,
                "aanbod": "Geheim aanbod", "status": "nuttig"}])
    result = _check(partner_user, data)
    problems = {(p.sheet, p.row, p.column): p.message for p in result.problems}
    assert problems == {
        ("Vraag en aanbod", 3, "organisatie_id"):
            "U mag alleen vraag en aanbod plaatsen voor uw eigen organisatie in deze deal.",
        ("Vraag en aanbod", 4, "deal_id"):
            "Er is geen deal 'cd-geheim', of u mag er geen vraag en aanbod in plaatsen.",
        ("Vraag en aanbod", 5, "organisatie_id"): "Deze organisatie is geen partner van deze deal.",
        ("Vraag en aanbod", 6, "regio"): "Kies een provincie, of landelijk.",
        ("Vraag en aanbod", 7, "tekst"): problems[("Vraag en aanbod", 7, "tekst")],
        ("Vraag en aanbod", 8, "organisatie_id"):
            "U mag alleen vraag en aanbod plaatsen voor een organisatie waaraan u verbonden bent.",
        ("Matchbesluiten", 2, "aanbod"):
            "Er is geen aanbod 'Geheim aanbod' van geheime-partner, of u mag het niet lezen.",
    }
    assert "2001" in problems[("Vraag en aanbod", 7, "tekst")] and "2000" in problems[("Vraag en aanbod", 7, "tekst")]
    with pytest.raises(ImportRefused):
        import_checked(actor=partner_user, result=result)
    assert not Post.objects.filter(title="Financiering gezocht").exists() and not MatchMark.objects.exists()


def test_only_the_poster_side_imports_decisions_and_only_on_open_needs(deal, other_deal, team_user, outsider,
                                                                        partner_org, fund):
    other_deal.is_published = True
    other_deal.save()
    deal.is_published = True
    deal.save()
    save_post(actor=None, deal=deal, organisation=partner_org, direction="vraag", kind="financiering",
              title="Open vraag", text="Tekst", visibility="openbaar")
    save_post(actor=None, deal=deal, organisation=partner_org, direction="vraag", kind="financiering",
              title="Gesloten vraag", text="Tekst", visibility="openbaar", is_open=False)
    save_post(actor=None, deal=other_deal, organisation=fund, direction="aanbod", kind="financiering",
              title="Impactleningen", text="Tekst", visibility="openbaar")
    row = {"deal_id": deal.slug, "organisatie_id": partner_org.slug, "vraag": "Open vraag",
           "aanbod_deal_id": other_deal.slug, "aanbod_organisatie_id": fund.slug, "aanbod": "Impactleningen",
           "status": "gecontacteerd"}
    refused = _check(outsider, _workbook(marks=[row]))
    assert [p.message for p in refused.problems] == ["Alleen wie de vraag plaatste, markeert de matches."]
    closed = _check(team_user, _workbook(marks=[{**row, "vraag": "Gesloten vraag"}]))
    assert [(p.column, p.message) for p in closed.problems] == [
        ("vraag", "Deze vraag is gesloten: open haar weer om haar matches te beoordelen.")]
    fine = _check(team_user, _workbook(marks=[row]))
    assert fine.ok
    import_checked(actor=team_user, result=fine)
    assert MatchMark.objects.get().status == "gecontacteerd"
