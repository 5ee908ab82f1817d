"""The deal page's partners built in Python (deals/deal_html.py) are the HTML the template
loop wrote before, character for character: the loop is kept here as the reference and
rendered on the same participations, in both languages."""

import datetime as dt

import pytest
from django.template import engines
from django.utils import translation

from dealmonitor.deals import deal_html, selectors
from dealmonitor.deals.constants import Confidence, ParticipationKind
from dealmonitor.deals.models import Deal
from dealmonitor.deals.tests.factories import (
    DealFactory,
    OrganisationFactory,
    ParticipationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

# deals/deal_detail.html before issue 20 item 2: the loop over one group's partners
ITEMS_TEMPLATE = """{% load i18n sources %}{% for p in rows %}
      <li>
        <a class="utrecht-link utrecht-link--html-a" href="{{ p.organisation.get_absolute_url }}">{{ p.organisation.name }}</a>{% if p.name_in_source and p.name_in_source != p.organisation.name %} <span class="dm-muted">({% blocktranslate with name=p.name_in_source %}named in the source as {{ name }}{% endblocktranslate %})</span>{% endif %}
        – {{ p.get_kind_display }}{% if p.role_description %}: {{ p.role_description }}{% endif %}{% if p.organisation.subtype %} <span class="dm-muted">({{ p.organisation.subtype }})</span>{% endif %}
        {% if p.joined_on %}<span class="dm-muted">{% blocktranslate with date=p.joined_on_display %}joined {{ date }}{% endblocktranslate %}</span>{% endif %}
        {% if p.confidence %}<span class="utrecht-status-badge utrecht-status-badge--neutral">{{ p.get_confidence_display }}</span>{% endif %}
        {% if p.note %}<span class="dm-note">{{ p.note }}</span>{% endif %}
        <span class="dm-sources">{% sources_inline p.sources.all %}</span>
      </li>
    {% endfor %}"""


def _groups(deal):
    return selectors.participations_by_type(selectors.deal_detail(None, deal.slug))


@pytest.fixture
def varied_deal(db):
    """Partners with every branch of an item: named otherwise in the source, a role, a
    subtype, joined on a day, a month or a year, a confidence, a note, sources on and off the
    web, markup in the texts, a kind outside the choices and an accented identifier."""
    deal = DealFactory()
    plain = ParticipationFactory(deal=deal)
    plain.sources.set([SourceFactory(reference="https://www.example.org/nieuws/deal-getekend"),
                       SourceFactory(reference="seed:12_abc.txt#2")])
    ParticipationFactory(
        deal=deal, organisation=OrganisationFactory(name="Hogeschool <Zuid> & \"Noord\"",
                                                    slug="hogeschool-zuid", subtype="hbo <x>"),
        name_in_source="HS Zuid & co", role_description="trekker <a>", kind=ParticipationKind.ONDERTEKENAAR,
        joined_on=dt.date(2021, 3, 4), joined_on_precision="day",
        confidence=Confidence.AFGELEID, note="Let op: <script>",
    )
    ParticipationFactory(deal=deal, organisation=OrganisationFactory(
        name="Gemeente Súdwest-Fryslân", slug="gemeente-súdwest-fryslân"),
        name_in_source="Gemeente Súdwest-Fryslân", joined_on=dt.date(2020, 5, 1),
        joined_on_precision="month", kind="onbekend-soort")
    ParticipationFactory(deal=deal, organisation=OrganisationFactory(company=True),
                         joined_on=dt.date(2019, 1, 1), joined_on_precision="year")
    return deal


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_partners_are_the_templates_partners(varied_deal, language):
    with translation.override(language):
        groups = _groups(varied_deal)
        partners = deal_html.PartnerList()
        assert sum(len(rows) for _k, _l, rows in groups) == 4
        for _key, _label, rows in groups:
            assert partners(rows) == engines["django"].from_string(ITEMS_TEMPLATE).render(
                {"rows": rows})
        html = "".join(partners(rows) for _k, _l, rows in groups)
        assert "gemeente-s%C3%BAdwest-frysl%C3%A2n" in html
        assert "&lt;script&gt;" in html


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_demo_deals_partners_are_the_templates_partners(demo_data, language):
    with translation.override(language):
        partners = deal_html.PartnerList()
        template = engines["django"].from_string(ITEMS_TEMPLATE)
        for deal in Deal.objects.all():
            for _key, _label, rows in _groups(deal):
                assert partners(rows) == template.render({"rows": rows}), deal.slug


# deals/partials/deal_tabs.html before issue 20 item 2
TABS_TEMPLATE = """{% load i18n rules %}{% has_perm "deals.view_internal" user deal as can_see_changes %}<nav aria-label="{% translate 'Deal sections' %}" class="dm-toc dm-deal-tabs">
  <ul>
    <li><a class="utrecht-link utrecht-link--html-a" href="{{ deal.get_absolute_url }}"{% if current == "deal" %} aria-current="page"{% endif %}>{% translate "Deal" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'deals:partners' deal.slug %}"{% if current == "partners" %} aria-current="page"{% endif %}>{% translate "Partners" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'impact:pathway' deal.slug %}"{% if current == "pathway" %} aria-current="page"{% endif %}>{% translate "Impact pathway" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'impact:effects' deal.slug %}"{% if current == "effects" %} aria-current="page"{% endif %}>{% translate "Effects" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'impact:dashboard' deal.slug %}"{% if current == "dashboard" %} aria-current="page"{% endif %}>{% translate "Dashboard" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'impact:indicators' deal.slug %}"{% if current == "indicators" %} aria-current="page"{% endif %}>{% translate "Indicators" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'impact:performance' deal.slug %}"{% if current == "performance" %} aria-current="page"{% endif %}>{% translate "Performance table" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'learning:deal' deal.slug %}"{% if current == "learning" %} aria-current="page"{% endif %}>{% translate "Learning" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'learning:scaling_plan' deal.slug %}"{% if current == "scaling_plan" %} aria-current="page"{% endif %}>{% translate "Scaling plan" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'areas:deal' deal.slug %}"{% if current == "areas" %} aria-current="page"{% endif %}>{% translate "Area" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'ecosystem:deal' deal.slug %}"{% if current == "ecosystem" %} aria-current="page"{% endif %}>{% translate "Needs and offers" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'connections:deal' deal.slug %}"{% if current == "related" %} aria-current="page"{% endif %}>{% translate "Related deals" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'reports:deal_report' deal.slug %}"{% if current == "report" %} aria-current="page"{% endif %}>{% translate "Annual report" %}</a></li>
    <li><a class="utrecht-link utrecht-link--html-a" href="{% url 'reports:deal_workbook' deal.slug %}">{% translate "Workbook (Excel)" %}</a></li>
    {% if can_see_changes %}<li><a class="utrecht-link utrecht-link--html-a" href="{% url 'deals:change_log' deal.slug %}"{% if current == "changes" %} aria-current="page"{% endif %}>{% translate "Change log" %}</a></li>{% endif %}
  </ul>
</nav>
"""


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_tabs_are_the_templates_tabs(db, staff_user, language):
    from django.contrib.auth.models import AnonymousUser

    from dealmonitor.deals.templatetags.deal_tags import deal_tabs

    deal = DealFactory(slug="cd-tabs_1")
    with translation.override(language):
        for user in (staff_user, AnonymousUser(), None):
            for current in ("deal", "related", "changes", "report", "", None):
                context = {"deal": deal, "current": current, "user": user}
                theirs = engines["django"].from_string(TABS_TEMPLATE).render(context)
                assert deal_tabs(context, current) == theirs, (user, current)
                if current and user is staff_user:
                    assert 'aria-current="page"' in theirs
        assert "/wijzigingen/" in deal_tabs({"deal": deal, "user": staff_user}, "")


# deals/partials/fact_sources.html and bar_chart.html before issue 20 item 2 (both included)
FACT_TEMPLATE = """{% load i18n %}{% if fact %}{% if fact.as_of %}<span class="dm-muted">{% blocktranslate with date=fact.as_of_display %}as of {{ date }}{% endblocktranslate %}</span>{% endif %}{% if fact.confidence %} <span class="utrecht-status-badge utrecht-status-badge--neutral">{{ fact.get_confidence_display }}</span>{% endif %}{% if fact.note %}<span class="dm-note">{{ fact.note }}</span>{% endif %}{% endif %}
"""
BAR_CHART_TEMPLATE = """{% load i18n %}{# bars: list of {label, count, percent}; chart_label: text alternative summary #}
<figure class="dm-chart">
  <div class="dm-bar-chart" role="img" aria-label="{{ chart_label }}: {% for bar in bars %}{{ bar.label }} {{ bar.count }}{% if not forloop.last %}, {% endif %}{% endfor %}">
    {% for bar in bars %}
      <div class="dm-bar-chart__row" aria-hidden="true">
        <span class="dm-bar-chart__label">{{ bar.label }}</span>
        <span class="dm-bar-chart__track"><span class="dm-bar" style="--value: {{ bar.percent }}%"></span></span>
        <span class="dm-bar-chart__value">{{ bar.count }}</span>
      </div>
    {% endfor %}
  </div>
  <figcaption class="utrecht-paragraph">{{ chart_label }}</figcaption>
</figure>
"""


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_facts_and_charts_are_the_templates(db, language):
    from dealmonitor.deals.models import DealFact

    deal = DealFactory()
    facts = [
        None,
        DealFact(deal=deal, field="status"),
        DealFact(deal=deal, field="status", as_of=dt.date(2024, 3, 1), as_of_precision="month",
                 confidence=Confidence.AFGELEID, note="Volgens <b>de</b> bron & meer"),
        DealFact(deal=deal, field="end_date", as_of=dt.date(2023, 1, 1), as_of_precision="day"),
        DealFact(deal=deal, field="end_date", confidence="eigen-soort"),
    ]
    charts = [
        ([], "Leeg"),
        ([{"key": "gemeente", "label": selectors.TYPE_LABELS["gemeente"], "count": 1200,
           "percent": 100},
          {"key": "x<y>", "label": "x<y> & \"z\"", "count": 3, "percent": 0}], "Partners <naar> type"),
    ]
    with translation.override(language):
        for fact in facts:
            theirs = engines["django"].from_string(FACT_TEMPLATE).render({"fact": fact})
            assert deal_html.fact_sources(fact) == theirs, fact
        for bars, label in charts:
            theirs = engines["django"].from_string(BAR_CHART_TEMPLATE).render(
                {"bars": bars, "chart_label": label})
            assert deal_html.bar_chart(bars, label) == theirs
