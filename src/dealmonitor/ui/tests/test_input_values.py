"""Date, time and number inputs carry their value in the one format HTML allows, in every
language: a browser empties a field whose value it cannot parse, and posts it empty."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from .html_forms import forms_of, input_values, sanitize


class Everything(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    moment = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    amount = forms.DecimalField(decimal_places=4, max_digits=20)
    share = forms.FloatField(localize=True, widget=forms.NumberInput)
    count = forms.IntegerField()
    text_day = forms.DateField()  # a text box: the language's own format is fine there


INITIAL = {
    "day": dt.date(2021, 3, 11), "at": dt.time(9, 30), "moment": dt.datetime(2024, 5, 6, 7, 8),
    "amount": Decimal("1234.5000"), "share": 0.25, "count": 12345, "text_day": dt.date(2021, 3, 11),
}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_inputs_show_values_the_browser_can_hold(language, settings):
    settings.USE_THOUSAND_SEPARATOR = True
    with translation.override(language):
        html = f"<form method='post'>{Everything(initial=INITIAL)}</form>"
    shown = {name: value for name, kind, value in input_values(forms_of(html)[0])}
    assert shown["day"] == "2021-03-11"
    assert shown["at"] == "09:30"
    assert shown["moment"] == "2024-05-06T07:08"
    assert shown["amount"] == "1234.5"
    assert shown["share"] == "0.25"
    assert shown["count"] == "12345"
    for name, kind, value in input_values(forms_of(html)[0]):
        assert sanitize(kind, value) == value, (name, kind, value)


def test_what_the_user_typed_is_shown_back_as_typed():
    form = Everything(data={"day": "2021-02-30", "amount": "12.50"})
    html = f"<form method='post'>{form}</form>"
    shown = {name: value for name, kind, value in input_values(forms_of(html)[0])}
    assert shown["day"] == "2021-02-30" and shown["amount"] == "12.50"
