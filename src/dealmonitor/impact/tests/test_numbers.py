"""The performance table writes its thousands of figures with `Numbers` (impact_tags): the same
texts as the `num` and `pct` filters of every other page, in each language."""

from decimal import Decimal, InvalidOperation

import pytest
from django.test import override_settings
from django.utils import translation
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

from dealmonitor.impact.templatetags.impact_tags import Numbers, num, pct

FIGURES = (
    st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-10**16, max_value=10**16)
    | st.decimals(allow_nan=False, allow_infinity=False, places=28, min_value=-1000, max_value=1000)
    | st.decimals(allow_nan=False, allow_infinity=False)  # any exponent: Django's own way then
    | st.sampled_from([Decimal("0.0000"), Decimal("-0"), Decimal("0.0099"), Decimal("-0.0999"), Decimal("0.1"),
                       Decimal("1E+2"), Decimal("100.0000"), Decimal("12.5000"), Decimal("-12.3456"),
                       Decimal("1." + "0" * 250), Decimal("0.009"), Decimal("-0.05")])
)


@pytest.mark.parametrize("language", ["nl", "en"])
@settings(max_examples=300)
@given(value=FIGURES)
def test_the_tables_figures_read_as_on_every_other_page(language, value):
    with translation.override(language):
        numbers = Numbers()
        assert numbers.num(value) == escape(num(value))
        try:
            expected = escape(pct(value))
        except InvalidOperation:  # too large to round to a whole percentage: both refuse
            with pytest.raises(InvalidOperation):
                numbers.pct(value)
        else:
            assert numbers.pct(value) == expected


@override_settings(USE_THOUSAND_SEPARATOR=True)
def test_with_thousands_separators_the_figures_go_through_num():
    with translation.override("nl"):
        numbers = Numbers()
        assert numbers.num(Decimal("1234567.5")) == escape(num(Decimal("1234567.5"))) == "1.234.567,5"
        assert numbers.num(None) == "" and numbers.pct(None) == ""


def test_the_texts_kept_between_pages_follow_the_language_and_the_figure_as_written():
    # `Numbers` keeps the texts of Decimal figures between pages: the next page in another
    # language, and an equal figure written otherwise, get their own text
    with translation.override("nl"):
        assert Numbers().num(Decimal("12.5000")) == "12,5"
    with translation.override("en"):
        assert Numbers().num(Decimal("12.5000")) == "12.5"
    with translation.override("nl"):
        numbers = Numbers()
        for value in (Decimal("0.3"), Decimal("-0.3"), Decimal("0.4"), Decimal("-0.4")):
            assert numbers.pct(value) == escape(pct(value))
        for value in (Decimal("1"), Decimal("1." + "0" * 250), Decimal("0"), Decimal("-0"), 1, 1.0):
            assert Numbers().num(value) == escape(num(value))
