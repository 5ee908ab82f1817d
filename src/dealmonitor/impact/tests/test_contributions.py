"""The performance table page with the contributions per partner and per category (issue 17,
items 6, 7 and 9): asked for with ?bijdragen=1, each row is followed by its contributions and
their sum, the figures shown add up to the indicator's (hypothesis, on the page as a user
reads it), and the page needs the same queries for more indicators, partners and categories."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from dealmonitor.accounts.models import User
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory
from dealmonitor.impact import services
from dealmonitor.impact.constants import Aggregation, IndicatorKind, Meaning
from dealmonitor.impact.periods import calendar_periods
from dealmonitor.utils.partial_dates import Precision
from dealmonitor.utils.queries import count_queries

from .test_performance_cache import afresh

pytestmark = pytest.mark.django_db

PART_ROW = re.compile(r"<tr class=dm-iptt__part><th scope=row><span class=dm-muted>([^<]*):</span> ([^<]*)(.*)")


def _targets(indicator, values):
    services.set_targets(actor=None, indicator=indicator, targets=[
        {"period_start": p.start, "period_end": p.end, "label": p.label, "value": Decimal(v)}
        for p, v in zip(calendar_periods(dt.date(2022, 1, 1), dt.date(2024, 12, 31), "jaar"), values)])


def _cells(rest):
    """The figures of a row's cells as the page shows them ('–' and 'geen gegevens': None)."""
    cells = re.findall(r"<td colspan=2[^>]*>([^<\n]*)", rest)
    return [None if c in ("–", "") else Decimal(c.replace(".", "").replace(",", ".")) for c in cells]


def _page(client, deal, query="?bijdragen=1"):
    return client.get(f"/deals/{deal.slug}/prestaties/{query}", HTTP_ACCEPT_LANGUAGE="nl").content.decode()


@pytest.fixture
def shared(deal, partner_org, other_org):
    indicator = services.save_indicator(
        actor=None, deal=deal, name="Deelnemers", kind=IndicatorKind.NUMERIC, whole_numbers=True,
        aggregation=Aggregation.PER_PERIOD, breakdown=[{"dimension": "leeftijd"}])
    _targets(indicator, (10, 10, 10))
    services.record_measurement(actor=None, indicator=indicator, date=dt.date(2023, 3, 1), value=4,
                                reporting_organisation=partner_org,
                                parts=[{"dimension": "leeftijd", "category": "0-17", "value": 4}])
    services.record_measurement(actor=None, indicator=indicator, date=dt.date(2023, 5, 1), value=3,
                                reporting_organisation=other_org)
    return indicator


def test_the_page_shows_contributions_and_their_sum_only_when_asked(client, deal, shared, partner_org,
                                                                   other_org, team_user):
    client.force_login(team_user)
    plain = _page(client, deal, "")
    assert "dm-iptt__part" not in plain and 'name="bijdragen"' in plain
    page = _page(client, deal)
    rows = {(group, label): _cells(rest) for group, label, rest in PART_ROW.findall(page)}
    # 2022, 2023, 2024 and the total, one cell each
    assert rows[("per partner", partner_org.name)] == [None, 4, None, 4]
    assert rows[("per partner", other_org.name)] == [None, 3, None, 3]
    assert rows[("per partner", "samen")] == [None, 7, None, 7]
    assert rows[("leeftijdsgroep", "0-17")] == [None, 4, None, 4]
    assert rows[("leeftijdsgroep", "niet uitgesplitst")] == [None, 3, None, 3]
    assert "de bijdrage van elke rapporterende organisatie" in page
    assert 'id="bijdragen" name="bijdragen" value="1" checked' in page


def test_the_contributions_fold_with_their_years_periods(client, deal, numeric, partner_org, other_org,
                                                         team_user):
    services.set_targets(actor=None, indicator=numeric, targets=[
        {"period_start": p.start, "period_end": p.end, "label": p.label, "value": Decimal(1)}
        for p in calendar_periods(dt.date(2023, 1, 1), dt.date(2023, 12, 31), "kwartaal")])
    for org in (partner_org, other_org):
        services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 2, 1), value=1,
                                    reporting_organisation=org)
    client.force_login(team_user)
    page = _page(client, deal)
    row = next(rest for _g, label, rest in PART_ROW.findall(page) if label == partner_org.name)
    # the year's first three quarters fold with the year (class q1), its last and the total do not
    assert row.count("<td colspan=2 class=q1>") == 3 and row.count("<td colspan=2>") == 2


def _world(indicators, partners, categories):
    deal = DealFactory(signing_date=dt.date(2022, 1, 1), signing_date_precision=Precision.DAY)
    orgs = [ParticipationFactory(deal=deal, organisation=OrganisationFactory()).organisation
            for _ in range(partners)]
    names = [f"c{i}" for i in range(categories)]
    for i in range(indicators):
        ind = services.save_indicator(actor=None, deal=deal, name=f"I{i}", kind=IndicatorKind.NUMERIC,
                                      aggregation=Aggregation.CUMULATIVE,
                                      breakdown=[{"dimension": "eigen", "categories": names}])
        _targets(ind, (1, 2, 3))
        for org in orgs:
            services.record_measurement(
                actor=None, indicator=ind, date=dt.date(2023, 5, 1), value=categories,
                reporting_organisation=org,
                parts=[{"dimension": "eigen", "category": c, "value": 1} for c in names])
    return deal


def test_the_page_with_contributions_needs_the_same_queries_for_more_indicators_partners_and_categories(client):
    small, large = _world(1, 2, 2), _world(5, 4, 5)
    client.force_login(User.objects.create_user("lezer", is_staff=True))
    afresh(small)
    with count_queries() as a:
        _page(client, small)
    afresh(large)
    with count_queries() as b:
        page = _page(client, large)
    assert page.count("dm-iptt__part") == 5 * (4 + 1 + 5)  # partners, their sum, categories
    assert a.count == b.count


# Hypothesis: what the page shows adds up ------------------------------------------------

ORGS = 3
AMOUNTS = st.integers(min_value=0, max_value=40)
MEASUREMENT = st.tuples(
    st.integers(min_value=0, max_value=ORGS - 1),
    st.dates(min_value=dt.date(2022, 1, 1), max_value=dt.date(2025, 12, 31)),  # also past the targets
    AMOUNTS, AMOUNTS, st.booleans(),
)


class TestThePageAddsUp(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        from dealmonitor.impact.reference import load_reference_sets

        load_reference_sets()
        cls.deal = DealFactory(slug="cd-pagina-som", signing_date=dt.date(2022, 1, 1),
                               signing_date_precision=Precision.DAY, end_date=dt.date(2025, 1, 1),
                               end_date_precision=Precision.YEAR, is_published=True)
        cls.orgs = [ParticipationFactory(deal=cls.deal, organisation=OrganisationFactory()).organisation
                    for _ in range(ORGS)]
        cls.reader = User.objects.create_user("lezer-som", is_staff=True)

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(MEASUREMENT, min_size=1, max_size=8),
           st.sampled_from([Aggregation.CUMULATIVE, Aggregation.PER_PERIOD]),
           st.sampled_from([Meaning.INCREMENT, Meaning.LEVEL]))
    def test_partners_and_categories_on_the_page_add_up_to_the_indicators_figures(self, measurements,
                                                                               aggregation, meaning):
        self.deal.indicators.all().delete()
        indicator = services.save_indicator(
            actor=None, deal=self.deal, name="Som", kind=IndicatorKind.NUMERIC, aggregation=aggregation,
            meaning=meaning, breakdown=[{"dimension": "eigen", "categories": ["a", "b"]}])
        _targets(indicator, (10, 20, 30))
        for org, day, a, b, broken_down in measurements:
            services.record_measurement(
                actor=None, indicator=indicator, date=day, value=a + b, reporting_organisation=self.orgs[org],
                parts=[{"dimension": "eigen", "category": "a", "value": a},
                       {"dimension": "eigen", "category": "b", "value": b}] if broken_down else None)
        self.client.force_login(self.reader)
        page = _page(self.client, self.deal)
        head = page[page.index("<tr><th scope=row>"):]
        head = head[:head.index("\n")]
        # the indicator's own row: target, actual, % per period and in total; its actuals
        cells = re.findall(r"<td[^>]*>([^<]*)(?:<span class=m>[^<]*</span>)?", head)
        actuals = [None if c == "" else Decimal(c.replace(".", "").replace(",", "."))
                   for c in cells[1::3]]
        groups = {}
        for group, _label, rest in PART_ROW.findall(page):
            groups.setdefault(group, []).append(_cells(rest))
        categories = groups["eigen categorieën"]
        for i, actual in enumerate(actuals):
            if actual is None:
                continue
            assert sum(c[i] or 0 for c in categories) == actual
            partners = groups.get("per partner")
            if partners:  # the partners, and the row of their sum (the last)
                assert sum(p[i] or 0 for p in partners[:-1]) == partners[-1][i] == actual
