"""Mijn deals: the start page after signing in, with what is due per deal (issue 16, item 1)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dealmonitor.impact import services as impact_services
from dealmonitor.learning import services as learning_services

from .conftest import PASSWORD, make_deal, member

pytestmark = pytest.mark.django_db


def test_signing_in_leads_to_my_deals(client, user):
    user("projectleider")
    response = client.post(reverse("accounts:login"),
                           {"username": "projectleider", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("workday:mine")


def test_my_deals_needs_signing_in(client):
    response = client.get(reverse("workday:mine"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_what_is_due_per_deal(client, user, ministry):
    leader = user("projectleider")
    deal, indicator, org = make_deal(1)
    quiet, quiet_indicator, _ = make_deal(2)
    other, _, _ = make_deal(3)  # no role: not on the page
    member(leader, deal, "team")
    member(leader, quiet, "team")
    # quiet: measured in the last quarter that ended (Q1 2026), nothing else due
    impact_services.record_measurement(actor=None, indicator=quiet_indicator,
                                       date=dt.date(2026, 3, 31), value=Decimal(5))
    round = learning_services.open_round(actor=None, deal=deal, name="Midterm 2026")
    bottleneck = learning_services.report_bottleneck(
        actor=None, deal=deal, title="Subsidieregeling past niet", kind="regelgeving",
        ministry=ministry)
    client.force_login(leader)
    html = client.get(reverse("workday:mine")).content.decode()
    start, middle = html.index(deal.name), html.index(quiet.name)
    first, second = (html[start:middle], html[middle:]) if start < middle else (html[start:], html[middle:start])
    # the deal with things due links each to the exact page
    due_link = reverse("impact:measurement_create", args=[deal.slug, indicator.pk])
    assert f'{due_link}">Meting invoeren: {indicator.name} over 2026-K1' in first
    assert reverse("learning:round_answer", args=[deal.slug, round.pk]) in first
    assert reverse("learning:bottleneck", args=[deal.slug, bottleneck.pk]) in first
    # the quiet deal has no measurement due, no round, no bottleneck
    assert "Every indicator has a measurement" in second or "Elke indicator heeft een meting" in second
    assert reverse("learning:round_answer", args=[quiet.slug, round.pk]) not in second
    assert other.name not in html


def test_a_partner_member_is_asked_only_for_their_own_organisation(client, user):
    partner = user("partner")
    deal, indicator, org = make_deal(1)
    other_org = deal.participations.create(
        organisation=__import__("dealmonitor.deals.tests.factories", fromlist=["x"]).OrganisationFactory(
            slug="gemeente-anders", name="Gemeente Anders")).organisation
    member(partner, deal, "partner", org)
    # another organisation reported for the last quarter: still due for this partner
    impact_services.record_measurement(actor=None, indicator=indicator, date=dt.date(2026, 2, 1),
                                       value=Decimal(3), reporting_organisation=other_org)
    client.force_login(partner)
    html = client.get(reverse("workday:mine")).content.decode()
    assert reverse("impact:measurement_create", args=[deal.slug, indicator.pk]) + '">Meting invoeren' in html
    impact_services.record_measurement(actor=None, indicator=indicator, date=dt.date(2026, 2, 2),
                                       value=Decimal(4), reporting_organisation=org)
    html = client.get(reverse("workday:mine")).content.decode()
    assert "2026-K1" not in html


def test_a_deal_signed_after_the_period_has_nothing_due_for_it(client, user):
    leader = user("projectleider")
    deal, indicator, _ = make_deal(1, signing_date=dt.date(2026, 4, 15))  # after Q1 2026
    member(leader, deal, "team")
    client.force_login(leader)
    html = client.get(reverse("workday:mine")).content.decode()
    assert reverse("impact:measurement_create", args=[deal.slug, indicator.pk]) + '">Meting invoeren' not in html


def test_programme_staff_see_the_portfolio(client, user):
    staff = user("programma", is_staff=True)
    behind, _, _ = make_deal(1)
    learning_services.open_round(actor=None, deal=behind, name="Nulmeting")
    client.force_login(staff)
    html = client.get(reverse("workday:mine")).content.decode()
    assert 'id="deals-behind"' in html
    assert reverse("impact:indicators", args=[behind.slug]) in html
    assert 'id="rounds-unanswered"' in html


def test_queries_do_not_grow_with_the_number_of_deals(client, user, ministry):
    leader = user("projectleider")
    staff = user("programma", is_staff=True)

    def add(n):
        deal, _, _ = make_deal(n)
        member(leader, deal, "team")
        member(staff, deal, "dealmaker")
        learning_services.open_round(actor=None, deal=deal, name="Ronde")
        learning_services.report_bottleneck(actor=None, deal=deal, title="Knelpunt",
                                            kind="regelgeving", ministry=ministry)
        learning_services.save_start_conversation(actor=None, deal=deal,
                                                  reviewed_on=dt.date(2025, 1, 1))

    def count(who):
        client.force_login(who)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("workday:mine")).status_code == 200
        return len(queries)

    add(1)
    few = count(leader), count(staff)
    for n in range(2, 7):
        add(n)
    many = count(leader), count(staff)
    assert many == few


def test_a_withdrawn_measurement_leaves_its_period_due(client, user):
    """A withdrawn figure counts nowhere (issue 17): the period still needs a measurement, on
    Mijn deals, in the programme's list of deals behind and in the evidence gaps."""
    leader = user("projectleider")
    staff = user("programma", is_staff=True)
    deal, indicator, _ = make_deal(1)
    member(leader, deal, "team")
    wrong = impact_services.record_measurement(actor=None, indicator=indicator,
                                               date=dt.date(2026, 3, 31), value=Decimal(50))
    due_link = reverse("impact:measurement_create", args=[deal.slug, indicator.pk]) + '">Meting invoeren'
    client.force_login(leader)
    html = client.get(reverse("workday:mine")).content.decode()
    assert due_link not in html
    assert "prestatie-indicator zonder meting" not in html
    impact_services.withdraw_measurement(actor=None, measurement=wrong, reason="Dubbel geteld")
    html = client.get(reverse("workday:mine")).content.decode()
    assert due_link in html
    assert "1 prestatie-indicator zonder meting in het afgelopen jaar" in html
    client.force_login(staff)
    html = client.get(reverse("workday:mine")).content.decode()
    assert reverse("impact:indicators", args=[deal.slug]) in html[html.index('id="deals-behind"'):]


def test_the_deal_team_sees_which_partners_have_not_reported(client, user):
    """Per deal, the partners without a measurement for an indicator's last ended period
    (issue 17 item 6): a partner that reported on some indicators is asked for those; one that
    never reported, for all of them. A partner member does not get the list of the others."""
    from dealmonitor.deals.tests.factories import OrganisationFactory

    leader = user("projectleider")
    partner = user("partner")
    deal, indicator, reported = make_deal(1)
    silent = deal.participations.create(organisation=OrganisationFactory(
        slug="stichting-stil", name="Stichting Stil")).organisation
    member(leader, deal, "team")
    member(partner, deal, "partner", reported)
    impact_services.record_measurement(actor=None, indicator=indicator, date=dt.date(2026, 2, 1),
                                       value=Decimal(3), reporting_organisation=reported)
    client.force_login(leader)
    html = client.get(reverse("workday:mine")).content.decode()
    section = html[html.index('id="not-reported-cd-werk-1"'):]
    section = section[:section.index("</ul>")]
    assert f"{silent.name}: {indicator.name} (2026-K1)" in section
    assert reported.name not in section
    # the partner's measurement for 2026-K1 withdrawn: it is behind as well
    measurement = indicator.measurements.get()
    impact_services.withdraw_measurement(actor=None, measurement=measurement, reason="Fout")
    html = client.get(reverse("workday:mine")).content.decode()
    section = html[html.index('id="not-reported-cd-werk-1"'):]
    assert reported.name in section[:section.index("</ul>")]
    client.force_login(partner)
    assert 'id="not-reported-cd-werk-1"' not in client.get(reverse("workday:mine")).content.decode()
