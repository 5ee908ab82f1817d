import datetime as dt

import pytest
from django.utils import translation

from dealmonitor.utils.partial_dates import format_partial_date, parse_partial_date, to_iso


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2016", (dt.date(2016, 1, 1), "year")),
        ("2016-03", (dt.date(2016, 3, 1), "month")),
        ("2016-03-09", (dt.date(2016, 3, 9), "day")),
    ],
)
def test_reduced_precision_is_parsed_and_round_trips(text, expected):
    assert parse_partial_date(text) == expected
    assert to_iso(*expected) == text


@pytest.mark.parametrize("text", ["2016-13", "2021-02-30", "16-03", "maart 2016", "", "2016/03"])
def test_invalid_dates_are_refused_with_the_text_in_the_message(text):
    with pytest.raises(ValueError, match="2016|2021|16|maart|''"):
        parse_partial_date(text)


def test_precision_that_contradicts_the_value_is_refused():
    with pytest.raises(ValueError, match="precision"):
        parse_partial_date("2016", "day")


def test_a_year_is_never_shown_as_a_day():
    with translation.override("nl"):
        assert format_partial_date(dt.date(2016, 1, 1), "year") == "2016"
        assert format_partial_date(dt.date(2016, 3, 1), "month") == "maart 2016"
        assert format_partial_date(dt.date(2016, 3, 9), "day") == "9 maart 2016"
    assert format_partial_date(None, "") == ""
