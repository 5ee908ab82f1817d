"""SVG drawings on Dutch pages: coordinates keep their decimal point (a Dutch `12,5` is two
numbers to a browser) and offsets keep their decimals (Django's `add` turns 12.5 into 12)."""

import datetime as dt
import re
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import translation

from dealmonitor.impact.charts import line_chart
from dealmonitor.utils.svg import number

SVG_NUMBER = re.compile(r"-?\d+(\.\d+)?%?")
COORDINATE = re.compile(r'\s(x|y|x1|x2|y1|y2|cx|cy|width|height|stroke-width)="([^"]*)"')


def test_number_writes_a_decimal_point_and_keeps_the_decimals_of_an_offset():
    assert number(12.5) == "12.5"
    assert number(12.5, -5) == "7.5"
    assert number(Decimal("3.456")) == "3.46"
    assert number(40) == "40"
    assert number(-0.001) == "0"
    assert number(None) == "" and number("") == ""


def test_the_line_chart_on_a_dutch_page_draws_where_the_figures_say():
    chart = line_chart(
        points=[(dt.date(2023, 1, 1), Decimal("3")), (dt.date(2023, 5, 17), Decimal("7.3"))],
        targets=[(dt.date(2023, 12, 31), Decimal("11"))], baseline=Decimal("1"))
    with translation.override("nl"):
        html = render_to_string("impact/partials/line_chart.html",
                                {"chart": chart, "indicator": {"pk": 1, "name": "Woningen"}})
    values = COORDINATE.findall(html)
    assert values
    for attribute, value in values:
        assert SVG_NUMBER.fullmatch(value), f'{attribute}="{value}"'
    # the target square is centred on its point: x = point - 5, to the decimal
    (tx, ty), = chart["targets"]
    assert f'x="{number(tx, -5)}" y="{number(ty, -5)}"' in html
    assert any("." in v for _, v in values), "the test needs a fractional coordinate"
