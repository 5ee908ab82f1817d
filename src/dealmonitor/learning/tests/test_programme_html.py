"""The programme view's theme bars and list of deals without a recent round, built in Python
(learning/programme_html.py), are the HTML the template loops wrote before, character for
character: the loops are kept here as the reference and rendered on the same rows, in both
languages."""

import datetime as dt

import pytest
from django.template import engines
from django.utils import translation

from dealmonitor.learning import programme_html

# learning/programme.html before issue 20 item 2: the two loops
THEMES_TEMPLATE = """{% load i18n %}{% for row in overview.themes %}
  <div class="dm-bar-chart__row"><dt class="dm-bar-chart__label">{% translate row.label context "theme" %}</dt><dd class="dm-bar-chart__track"><span class="dm-bar dm-bar--secondary" style="--value: {{ row.percent }}%"></span><span class="dm-bar-chart__value">{{ row.count }}</span></dd></div>
{% endfor %}"""
NOT_ASSESSED_TEMPLATE = """{% load i18n %}{% for d in overview.not_assessed %}<li class="utrecht-unordered-list__item"><a class="utrecht-link utrecht-link--html-a" href="{% url 'learning:deal' d.slug %}">{{ d.name }}</a> – {% if d.last_round %}{% blocktranslate with date=d.last_round|date:"F Y" %}last round opened in {{ date }}{% endblocktranslate %}{% else %}{% translate "never held a round" %}{% endif %}</li>{% endfor %}"""

OVERVIEW = {
    "themes": [
        {"label": "Energietransitie", "count": 12034, "percent": 100},
        {"label": "Wonen", "count": 7, "percent": 1},
        {"label": "Een <eigen> thema & meer", "count": 0, "percent": 0},
    ],
    "not_assessed": [
        {"slug": "cd-a", "name": 'Deal <b>"A"</b> & co', "last_round": dt.date(2025, 3, 14)},
        {"slug": "cd-b", "name": "Deal B", "last_round": None},
        {"slug": "cd-c", "name": "Deal C", "last_round": dt.date(2025, 3, 2)},
        {"slug": "cd-d_2", "name": "Deal D", "last_round": dt.date(2024, 12, 31)},
    ],
}


def _render(source):
    return engines["django"].from_string(source).render({"overview": OVERVIEW})


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_rows_are_the_templates_rows(language):
    with translation.override(language):
        assert programme_html.theme_bars(OVERVIEW["themes"]) == _render(THEMES_TEMPLATE)
        items = programme_html.not_assessed_items(OVERVIEW["not_assessed"])
        assert items == _render(NOT_ASSESSED_TEMPLATE)
    assert 'Deal &lt;b&gt;&quot;A&quot;&lt;/b&gt; &amp; co' in items
    assert programme_html.not_assessed_items([]) == ""
