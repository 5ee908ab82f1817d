"""The findings of issue 17, as a user met them. Each failed before the change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from dealmonitor.impact import selectors, services
from dealmonitor.impact.constants import Aggregation, IndicatorKind, Status
from dealmonitor.utils.partial_dates import Precision

pytestmark = pytest.mark.django_db


@pytest.fixture
def pilots(deal):
    """Like the seed deal's indicator: cumulative targets 3, 6, 9 for 2022-2024."""
    indicator = services.save_indicator(
        actor=None, deal=deal, name="Aantal gemeenten", kind=IndicatorKind.NUMERIC, unit="gemeenten",
        aggregation=Aggregation.CUMULATIVE, baseline_value=Decimal(0), target_value=Decimal(12),
    )
    services.set_targets(actor=None, indicator=indicator, targets=[
        {"period_start": dt.date(y, 1, 1), "period_end": dt.date(y, 12, 31), "label": str(y),
         "value": Decimal(v)} for y, v in ((2022, 3), (2023, 6), (2024, 9))])
    for day, value in ((dt.date(2022, 6, 30), 1), (dt.date(2022, 12, 31), 2),
                       (dt.date(2023, 6, 30), 2), (dt.date(2024, 6, 30), 3)):
        services.record_measurement(actor=None, indicator=indicator, date=day, value=value)
    return indicator


def test_a_negative_count_is_refused_with_a_dutch_message(pilots):
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        services.validate_measurement(pilots, date=dt.date(2024, 3, 31), value="-3")
    assert exc.value.message_dict == {"value": ["Aantal gemeenten kan niet negatief zijn; -3 ligt onder nul."]}


def test_a_measurement_after_the_last_target_is_shown_in_its_own_period(deal, pilots):
    deal.extended_to, deal.extended_to_precision = dt.date(2026, 1, 1), Precision.YEAR
    deal.save()
    services.record_measurement(actor=None, indicator=pilots, date=dt.date(2025, 6, 30), value=1)
    table = selectors.performance_table(deal)
    labels = [p.label for p in table.periods]
    assert labels == ["2022", "2023", "2024", "2025"]
    last = table.rows[0].cells[-1]
    assert (last.target, last.actual, last.status) == (None, Decimal(9), Status.NO_TARGET)


def test_the_chart_plots_the_figures_of_the_table(client, deal, pilots, team_user):
    client.force_login(team_user)
    response = client.get(f"/deals/{deal.slug}/indicatoren/{pilots.pk}/")
    chart = response.context["chart"]
    table_actuals = [c.actual for c in response.context["row"].cells if c.actual is not None]
    assert table_actuals == [3, 5, 8]
    assert [value for _, value in chart["series"]] == table_actuals
