"""What a number means (issue 17, item 3), every period with data (4), contributions per partner
(6) and breakdowns by category (7): the figures shown add up, whatever the measurements
(hypothesis), and the table is built in a number of queries that does not grow with the number
of indicators, partners and categories (9)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase
from rest_framework.test import APIClient

from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory
from dealmonitor.impact import progress, selectors, services
from dealmonitor.impact.constants import Aggregation, IndicatorKind, Meaning, Status
from dealmonitor.impact.models import Measurement
from dealmonitor.impact.periods import calendar_periods
from dealmonitor.utils.partial_dates import Precision
from dealmonitor.utils.queries import count_queries

pytestmark = pytest.mark.django_db


def _targets(indicator, values):
    services.set_targets(actor=None, indicator=indicator, targets=[
        {"period_start": p.start, "period_end": p.end, "label": p.label, "value": Decimal(v)}
        for p, v in zip(calendar_periods(dt.date(2022, 1, 1), dt.date(2024, 12, 31), "jaar"), values)])


@pytest.fixture
def pilots(deal):
    indicator = services.save_indicator(
        actor=None, deal=deal, name="Aantal gemeenten", kind=IndicatorKind.NUMERIC, unit="gemeenten",
        aggregation=Aggregation.CUMULATIVE, meaning=Meaning.LEVEL, whole_numbers=True,
        target_value=Decimal(12))
    _targets(indicator, (3, 6, 9))
    for day, value in ((dt.date(2022, 12, 31), 2), (dt.date(2023, 12, 31), 4), (dt.date(2024, 6, 30), 8)):
        services.record_measurement(actor=None, indicator=indicator, date=day, value=value)
    return indicator


# What a number means ---------------------------------------------------------------------

def test_a_level_is_not_added_up(deal, pilots):
    row = selectors.performance_table(deal).rows[0]
    assert [c.actual for c in row.cells] == [2, 4, 8] and row.total.actual == 8
    services.record_measurement(actor=None, indicator=pilots, date=dt.date(2024, 9, 30), value=9)
    row = selectors.performance_table(deal).rows[0]
    assert row.cells[-1].actual == 9 and row.cells[-1].status == Status.MET
    assert row.total.percent == 75  # 9 of 12, not 23 of 12


def test_the_form_says_what_to_enter_and_what_the_figure_becomes(client, deal, pilots, numeric, team_user):
    client.force_login(team_user)
    level = client.get(f"/deals/{deal.slug}/indicatoren/{pilots.pk}/meting/", HTTP_ACCEPT_LANGUAGE="nl")
    html = level.content.decode()
    assert "de stand op de meetdatum" in html and 'data-current="8"' in html and 'data-mode="replace_own"' in html
    increment = client.get(f"/deals/{deal.slug}/indicatoren/{numeric.pk}/meting/", HTTP_ACCEPT_LANGUAGE="nl")
    assert "een nieuw aantal" in increment.content.decode() and 'data-mode="add"' in increment.content.decode()
    saved = client.post(f"/deals/{deal.slug}/indicatoren/{pilots.pk}/meting/",
                        {"date": "2024-09-30", "value": "9"}, HTTP_ACCEPT_LANGUAGE="nl", follow=True)
    assert "Het cijfer ging van 8 naar 9." in saved.content.decode()


def test_the_chart_and_the_table_show_the_same_series(client, deal, numeric, team_user):
    _targets(numeric, (3, 6, 9))
    for day, value in ((dt.date(2022, 6, 30), 1), (dt.date(2022, 12, 31), 2),
                       (dt.date(2023, 6, 30), 2), (dt.date(2024, 6, 30), 3)):
        services.record_measurement(actor=None, indicator=numeric, date=day, value=value)
    client.force_login(team_user)
    context = client.get(f"/deals/{deal.slug}/indicatoren/{numeric.pk}/").context
    assert [v for _, v in context["chart"]["series"]] == [c.actual for c in context["row"].cells] == [3, 5, 8]
    assert len(context["chart"]["measured"]) == 3


# Every period with data ------------------------------------------------------------------

def test_measurements_after_the_last_target_get_their_periods(deal, numeric):
    deal.extended_to, deal.extended_to_precision = dt.date(2027, 1, 1), Precision.YEAR
    deal.save()
    _targets(numeric, (3, 6, 9))
    for day in (dt.date(2023, 3, 31), dt.date(2025, 3, 31), dt.date(2026, 3, 31)):
        services.record_measurement(actor=None, indicator=numeric, date=day, value=1)
    table = selectors.performance_table(deal)
    assert [p.label for p in table.periods] == ["2022", "2023", "2024", "2025", "2026"]
    assert [p.label for p in table.untargeted] == ["2025", "2026"]
    assert [c.status for c in table.rows[0].cells[-2:]] == [Status.NO_TARGET, Status.NO_TARGET]
    assert [c.actual for c in table.rows[0].cells] == [None, 1, None, 2, 3]


def test_quarterly_targets_give_quarters_past_the_end(deal, numeric):
    deal.extended_to, deal.extended_to_precision = dt.date(2026, 1, 1), Precision.YEAR
    deal.save()
    services.set_targets(actor=None, indicator=numeric, targets=[
        {"period_start": p.start, "period_end": p.end, "label": p.label, "value": Decimal(1)}
        for p in calendar_periods(dt.date(2024, 1, 1), dt.date(2024, 12, 31), "kwartaal")])
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2025, 5, 1), value=1)
    assert [p.label for p in selectors.performance_table(deal).untargeted] == ["2025-K2"]


# Per partner -----------------------------------------------------------------------------

def test_contributions_per_partner_add_up_and_show_on_the_page(client, deal, numeric, partner_org, other_org,
                                                              team_user):
    for org, values in ((partner_org, (2, 3)), (other_org, (5,))):
        for i, value in enumerate(values):
            services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 3 + i, 1),
                                        value=value, reporting_organisation=org)
    row = selectors.performance_table(deal).rows[0]
    assert {p.label: p.total.actual for p in row.partners} == {partner_org.name: 5, other_org.name: 5}
    assert sum(p.total.actual for p in row.partners) == row.total.actual == 10
    client.force_login(team_user)
    page = client.get(f"/deals/{deal.slug}/indicatoren/{numeric.pk}/").content.decode()
    assert 'id="indicator-partners"' in page and other_org.name in page


def test_partners_that_have_not_reported_for_a_period(deal, numeric, partner_org, other_org):
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2023, 3, 1), value=1,
                                reporting_organisation=partner_org)
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2022, 6, 1), value=1,
                                reporting_organisation=other_org)
    missing = selectors.partners_not_reported([deal.pk], dt.date(2023, 1, 1), dt.date(2023, 12, 31))[deal.pk]
    assert [(m["organisation"]["name"], m["indicators"]) for m in missing] == [(other_org.name, [numeric.name])]


# Breakdown by category -------------------------------------------------------------------

@pytest.fixture
def by_age(deal):
    return services.save_indicator(
        actor=None, deal=deal, name="Deelnemers", kind=IndicatorKind.NUMERIC, whole_numbers=True,
        aggregation=Aggregation.CUMULATIVE,
        breakdown=[{"dimension": "leeftijd"}, {"dimension": "gemeente", "categories": ["Utrecht", "Zeist"]}])


def _parts(**values):
    dims = {"0-17": "leeftijd", "18-26": "leeftijd", "27-66": "leeftijd", "67+": "leeftijd",
            "Utrecht": "gemeente", "Zeist": "gemeente"}
    return [{"dimension": dims[k], "category": k, "value": v} for k, v in values.items()]


def test_an_indicator_declares_at_most_two_dimensions(deal):
    with pytest.raises(ValidationError) as exc:
        services.save_indicator(actor=None, deal=deal, name="X", breakdown=[
            {"dimension": "leeftijd"}, {"dimension": "geslacht"}, {"dimension": "sector"}])
    assert "breakdown" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.save_indicator(actor=None, deal=deal, name="Y", breakdown=[{"dimension": "gemeente"}])


def test_categories_must_add_up_to_the_total_and_the_message_says_by_how_much(by_age):
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        services.record_measurement(actor=None, indicator=by_age, date=dt.date(2023, 3, 1), value=10,
                                    parts=_parts(**{"0-17": 4, "18-26": 5}))
    assert exc.value.message_dict == {"parts": [
        "De categorieën van leeftijdsgroep tellen op tot 9, het totaal is 10: een verschil van 1."]}
    m = services.record_measurement(actor=None, indicator=by_age, date=dt.date(2023, 3, 1), value=10,
                                    parts=_parts(**{"0-17": 4, "18-26": 6, "Utrecht": 10}))
    assert sorted((p.category, p.value) for p in m.parts.all()) == [("0-17", 4), ("18-26", 6), ("Utrecht", 10)]


def test_the_form_asks_a_value_per_category(client, deal, by_age, team_user):
    client.force_login(team_user)
    url = f"/deals/{deal.slug}/indicatoren/{by_age.pk}/meting/"
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "leeftijdsgroep: 67+" in html and "gemeente: Zeist" in html
    response = client.post(url, {"date": "2023-03-01", "value": "10", "deel_0_0": "3"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400 and "een verschil van 7" in response.content.decode()
    assert client.post(url, {"date": "2023-03-01", "value": "10", "deel_0_0": "3", "deel_0_3": "7"}).status_code == 302


def test_the_api_carries_one_row_per_category(deal, by_age, team_user):
    api = APIClient()
    api.force_authenticate(team_user)
    body = {"indicator": by_age.pk, "date": "2023-03-01", "value": 5,
            "parts": [{"dimension": "geslacht", "category": "vrouw", "value": 5}]}
    answer = api.post("/api/v1/measurements/", body, format="json", HTTP_ACCEPT_LANGUAGE="nl")
    assert answer.status_code == 400 and "parts" in answer.json()
    body["parts"] = [{"dimension": "leeftijd", "category": "0-17", "value": "2"},
                     {"dimension": "leeftijd", "category": "67+", "value": 3}]
    answer = api.post("/api/v1/measurements/", body, format="json")
    assert answer.status_code == 201
    parts = api.get(f"/api/v1/measurements/{answer.json()['id']}/").json()["parts"]
    assert sorted((p["category"], float(p["value"])) for p in parts) == [("0-17", 2.0), ("67+", 3.0)]


def test_categories_add_up_in_the_table_with_the_rest_not_broken_down(deal, by_age):
    services.record_measurement(actor=None, indicator=by_age, date=dt.date(2023, 3, 1), value=10,
                                parts=_parts(**{"0-17": 4, "18-26": 6}))
    services.record_measurement(actor=None, indicator=by_age, date=dt.date(2023, 6, 1), value=5)
    row = selectors.performance_table(deal).rows[0]
    code, label, parts = row.categories[0]
    assert code == "leeftijd"
    assert {p.label: p.total.actual for p in parts} == {
        "0-17": 4, "18-26": 6, "27-66": 0, "67+": 0, "niet uitgesplitst": 5}
    assert sum(p.total.actual or 0 for p in parts) == row.total.actual == 15


# Hypothesis: partners, categories and periods add up to the totals shown ----------------

ORGS = 3
AMOUNTS = st.integers(min_value=0, max_value=50)
MEASUREMENT = st.tuples(
    st.integers(min_value=0, max_value=ORGS - 1),  # which partner
    st.dates(min_value=dt.date(2022, 3, 1), max_value=dt.date(2024, 12, 31)),
    AMOUNTS, AMOUNTS,  # two age groups
    st.booleans(),  # broken down or not
)


class TestFiguresAddUp(HypothesisTestCase):
    @classmethod
    def setUpTestData(cls):
        from dealmonitor.impact.reference import load_reference_sets

        load_reference_sets()
        cls.deal = DealFactory(slug="cd-som", signing_date=dt.date(2022, 3, 1),
                               signing_date_precision=Precision.DAY, end_date=dt.date(2025, 1, 1),
                               end_date_precision=Precision.YEAR)
        cls.orgs = [ParticipationFactory(deal=cls.deal, organisation=OrganisationFactory()).organisation
                    for _ in range(ORGS)]

    @settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(MEASUREMENT, max_size=8), st.sampled_from([Aggregation.CUMULATIVE, Aggregation.PER_PERIOD]),
           st.sampled_from([Meaning.INCREMENT, Meaning.LEVEL]))
    def test_partners_categories_and_periods_add_up(self, measurements, aggregation, meaning):
        Measurement.objects.all().delete()
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
        table = selectors.performance_table(self.deal)
        row = table.rows[0]
        _code, _label, categories = row.categories[0]
        for i, cell in enumerate(row.cells):
            if cell.actual is None:
                continue
            # the categories (with what was not broken down) add up to the period's figure
            assert sum(c.cells[i].actual or 0 for c in categories) == cell.actual
            if row.partners:
                assert sum(p.cells[i].actual or 0 for p in row.partners) == cell.actual
        if row.total.actual is not None:
            assert sum(c.total.actual or 0 for c in categories) == row.total.actual
            if row.partners:
                assert sum(p.total.actual or 0 for p in row.partners) == row.total.actual
        if meaning == Meaning.INCREMENT and aggregation == Aggregation.PER_PERIOD:
            # new amounts per period: the periods add up to the total
            assert sum(c.actual or 0 for c in row.cells) == (row.total.actual or 0)
        if meaning == Meaning.INCREMENT and aggregation == Aggregation.CUMULATIVE and row.total.actual is not None:
            assert row.cells[-1].actual in (None, row.total.actual)
        # every measurement falls in a period shown
        for _org, day, *_rest in measurements:
            assert any(p.contains(day) for p in table.periods)


def test_levels_add_up_over_partners_in_the_rules():
    spec = progress.Spec(meaning=Meaning.LEVEL, aggregation=Aggregation.CUMULATIVE)
    obs = [progress.Obs(dt.date(2023, 1, 1), Decimal(3), org=1), progress.Obs(dt.date(2023, 2, 1), Decimal(4), org=2),
           progress.Obs(dt.date(2023, 3, 1), Decimal(5), org=1)]
    assert progress.total(spec, obs).actual == 9  # 5 (latest of 1) + 4 (latest of 2)


# Query counts ----------------------------------------------------------------------------

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


def test_the_table_needs_the_same_queries_for_more_indicators_partners_and_categories():
    small, large = _world(1, 2, 2), _world(6, 4, 5)

    def everything(deal):
        table = selectors.performance_table(deal)
        return table, [(r.partners, r.categories) for r in table.rows]

    with count_queries() as a:
        everything(small)
    with count_queries() as b:
        table, _ = everything(large)
    assert len(table.rows[0].partners) == 4 and len(table.rows[0].categories[0][2]) == 5
    assert a.count == b.count <= 5


def test_partners_not_reported_needs_the_same_queries_for_more_deals():
    small = [_world(1, 1, 1).pk]
    large = [_world(2, 3, 1).pk, _world(2, 2, 1).pk]
    with count_queries() as a:
        selectors.partners_not_reported(small, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    with count_queries() as b:
        selectors.partners_not_reported(large, dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert a.count == b.count == 3


def test_the_import_reads_one_row_per_category(deal, by_age, team_user):
    from dealmonitor.imports import columns as C
    from dealmonitor.imports.checking import Part, check_parts, guess_mapping
    from dealmonitor.imports.reading import read_spreadsheet
    from dealmonitor.imports.services import import_checked
    from dealmonitor.imports.tests.conftest import xlsx

    def check(rows):
        sheet = read_spreadsheet(xlsx({"Metingen": [
            ["deal_id", "indicator", "datum", "waarde", "dimensie", "categorie"], *rows]}), "f.xlsx")[0]
        kind = C.KINDS["measurements"]
        with translation.override("nl"):
            return check_parts(team_user, [Part(kind, sheet, guess_mapping(kind, sheet.headers))])

    wrong = check([["cd-proef", by_age.name, "2023-03-31", 10, None, None],
                   ["cd-proef", by_age.name, "2023-03-31", 4, "leeftijd", "0-17"],
                   ["cd-proef", by_age.name, "2023-03-31", 5, "leeftijd", "18-26"],
                   ["cd-proef", by_age.name, "2023-04-30", 5, "leeftijd", "18-26"]])
    assert [(p.row, p.message) for p in wrong.problems] == [
        (5, "Een categorierij volgt op de rij van haar meting (dezelfde indicator, datum en organisatie, "
            "zonder categorie)."),
        (2, "De categorieën van leeftijdsgroep tellen op tot 9, het totaal is 10: een verschil van 1.")]
    right = check([["cd-proef", by_age.name, "2023-03-31", 10, None, None],
                   ["cd-proef", by_age.name, "2023-03-31", 4, "leeftijd", "0-17"],
                   ["cd-proef", by_age.name, "2023-03-31", 6, "leeftijd", "18-26"]])
    assert not right.problems
    import_checked(actor=team_user, result=right)
    m = Measurement.objects.get(indicator=by_age)
    assert m.value == 10 and sorted((p.category, p.value) for p in m.parts.all()) == [("0-17", 4), ("18-26", 6)]
    assert m.parts.first().history.count() == 1


def test_the_dashboard_lists_the_partners_that_have_not_reported(client, deal, numeric, partner_org, other_org,
                                                                 team_user):
    _targets(numeric, (3, 6, 9))
    services.record_measurement(actor=None, indicator=numeric, date=dt.date(2024, 3, 1), value=1,
                                reporting_organisation=partner_org)
    client.force_login(team_user)
    html = client.get(f"/deals/{deal.slug}/dashboard/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Partners die nog niet rapporteerden over 2024" in html
    assert f"{other_org.name}: {numeric.name}" in html and f"{partner_org.name}: " not in html
