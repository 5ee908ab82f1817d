"""Selects are written in Python (ui/forms.py, `select_html`): a list of 121 partners went
through two template includes per option. What they write must be what Django's templates
write, for every kind of select the forms use."""

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from dealmonitor.ui.forms import NLDesignFormRenderer


class Choices(forms.Form):
    plain = forms.ChoiceField(choices=[("a", "Één & twee"), ("b", '"quoted" <b>')])
    optional = forms.ChoiceField(required=False, choices=[("", "—"), ("x", gettext_lazy("Dutch"))])
    grouped = forms.ChoiceField(choices=[("Gemeenten", [("g1", "Utrecht"), ("g2", "Zwolle")]),
                                         ("los", "Los")])
    many = forms.MultipleChoiceField(choices=[(str(i), f"Organisatie {i}") for i in range(121)])
    numbers = forms.TypedChoiceField(choices=[(1, 1000), (2, Decimal("2.5")), (3, dt.date(2026, 1, 2))],
                                     coerce=int)
    safe = forms.ChoiceField(choices=[("s", mark_safe("<em>veilig</em>"))])
    flag = forms.NullBooleanField()
    attrs = forms.ChoiceField(choices=[("a", "A")], widget=forms.Select(attrs={
        "data-x": 'a"b', "disabled": True, "hidden": False, "aria-describedby": "hulp"}))


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("data", [None, {"plain": "b", "grouped": "g2", "many": ["3", "120"],
                                         "numbers": "2", "flag": "true", "optional": "x"}])
def test_a_select_written_in_python_is_the_select_of_djangos_templates(language, data):
    fast, slow = NLDesignFormRenderer(), DjangoTemplates()
    with override(language):
        for name in Choices.base_fields:
            form = Choices(data)
            field = form[name]
            widget = field.field.widget
            attrs = field.build_widget_attrs({"id": f"id_{name}"})
            value = field.value()
            expected = widget.render(field.html_name, value, attrs, renderer=slow)
            assert widget.render(field.html_name, value, attrs, renderer=fast) == expected, name


def test_a_form_with_a_select_renders_it_through_python(monkeypatch):
    from dealmonitor.ui import forms as ui_forms

    written = []
    real = ui_forms.select_html
    monkeypatch.setattr(ui_forms, "select_html", lambda widget: written.append(widget["name"]) or real(widget))
    html = str(Choices({"plain": "a"}))
    assert "plain" in written and '<option value="a" selected>' in html
