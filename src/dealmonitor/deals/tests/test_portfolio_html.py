"""The portfolio's rows and filter options built in Python (deals/portfolio_html.py) are the
HTML the template loops wrote before, character for character: the loops are kept here as
the reference and rendered on the same deals, in both languages."""

import datetime as dt

import pytest
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from dealmonitor.deals import portfolio_html, selectors
from dealmonitor.deals.constants import DealKind, Phase
from dealmonitor.deals.filters import PortfolioFilter
from dealmonitor.deals.models import Theme
from dealmonitor.deals.tests.factories import DealFactory, ParticipationFactory, PartnerCountFactory

pytestmark = pytest.mark.django_db

# deals/partials/portfolio_results.html before issue 20 item 2: the loop's body
ROWS_TEMPLATE = """{% load i18n %}{% for deal in deals %}
      <tr class="utrecht-table__row">
        <th class="utrecht-table__header-cell" scope="row"><a class="utrecht-link utrecht-link--html-a" href="{{ deal.get_absolute_url }}">{{ deal.name }}</a></th>
        <td class="utrecht-table__cell">{{ deal.kind_label }}</td>
        <td class="utrecht-table__cell">{{ deal.get_status_display }}</td>
        <td class="utrecht-table__cell">{% if deal.phase %}{{ deal.get_phase_display }}{% else %}<span class="dm-muted">{% translate "not yet recorded" %}</span>{% endif %}</td>
        <td class="utrecht-table__cell">{% for theme in deal.themes.all %}{{ theme.label }}{% if not forloop.last %}, {% endif %}{% endfor %}</td>
        <td class="utrecht-table__cell utrecht-table__cell--numeric-column">
          {{ deal.partner_total }}{% if deal.partner_total != deal.listed_partners %}<span class="dm-muted"> ({% blocktranslate with n=deal.listed_partners %}{{ n }} listed{% endblocktranslate %})</span>{% endif %}
        </td>
      </tr>
    {% endfor %}"""

# deals/portfolio.html before issue 20 item 2: the options of one filter list
OPTIONS_TEMPLATE = """{% load i18n %}{% for value, label in field.field.choices %}
            <option value="{{ value }}"{% if field.value|stringformat:"s" == value|stringformat:"s" %} selected{% endif %}>{% if value == "" %}{% translate "all" %}{% else %}{{ label }}{% endif %}</option>
          {% endfor %}"""


def _render(source, context):
    return engines["django"].from_string(source).render(context)


@pytest.fixture
def varied_deals(db):
    """Deals with every branch of a row: another kind with its own name, a stored status
    outside the choices, no phase, markup in the name, themes, reported partners above the
    listed ones and equal to them."""
    bouwen, wonen = Theme.objects.create(name="Wonen"), Theme.objects.create(name="Energietransitie")
    a = DealFactory(name='Deal <b>"A"</b> & co', kind=DealKind.OTHER, other_kind="Regio <deal>",
                    phase=Phase.LEREN)
    a.themes.set([bouwen, wonen])
    PartnerCountFactory(deal=a, count=40, as_of=dt.date(2024, 1, 1))
    ParticipationFactory(deal=a)
    b = DealFactory(name="Deal B", kind=DealKind.OTHER, other_kind="", status="raar", phase="")
    b.themes.set([wonen])
    for _ in range(2):
        ParticipationFactory(deal=b)
    c = DealFactory(name="Deal C", kind=DealKind.TOWN_DEAL)
    PartnerCountFactory(deal=c, count=12345, as_of=dt.date(2024, 1, 1))  # a thousands separator
    return [a, b]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_rows_are_the_templates_rows(varied_deals, demo_data, language):
    with translation.override(language):
        deals = selectors.with_theme_names(list(selectors.portfolio_table(None)))
        assert len(deals) > 26
        assert portfolio_html.deal_rows(deals) == _render(ROWS_TEMPLATE, {"deals": deals})
        assert 'Deal &lt;b&gt;&quot;A&quot;&lt;/b&gt; &amp; co' in portfolio_html.deal_rows(deals)


@pytest.mark.parametrize("query", ["", "?theme=Wonen&status=lopend", "?kind=xx&phase=onbekend"])
@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_filter_options_are_the_templates_options(varied_deals, query, language):
    with translation.override(language):
        request = RequestFactory().get(reverse("deals:portfolio") + query)
        request.user = None
        filterset = PortfolioFilter(request.GET or None, queryset=selectors.portfolio_table(None),
                                    request=request)
        for field in filterset.form:
            if field.name == "q":
                continue
            assert portfolio_html.select_options(field) == _render(OPTIONS_TEMPLATE, {"field": field})
        if query.startswith("?theme"):
            assert '<option value="Wonen" selected>' in portfolio_html.select_options(filterset.form["theme"])


def test_theme_names_come_in_one_query_by_name(varied_deals, django_assert_num_queries):
    deals = list(selectors.portfolio_table(None))
    with django_assert_num_queries(1):
        selectors.with_theme_names(deals)
    by_name = {deal.name: deal.theme_names for deal in deals}
    assert by_name['Deal <b>"A"</b> & co'] == ["Energietransitie", "Wonen"]
    assert by_name["Deal C"] == []
    with django_assert_num_queries(0):
        assert selectors.with_theme_names([]) == []


def test_a_themes_label_is_its_catalogue_entry_in_the_active_language():
    from django.utils.translation import pgettext

    from dealmonitor.deals.models import theme_label

    for language in ["en", "nl", "en", None]:
        with translation.override(language):
            for name in ["bestaanszekerheid", "geen thema uit de catalogus"]:
                assert theme_label(name) == pgettext("theme", name), (language, name)
        with translation.override("en"):
            assert theme_label("bestaanszekerheid") == "livelihood security"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_theme_options_read_as_names_are_the_querysets(varied_deals, django_user_model,
                                                          language, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from dealmonitor.accounts.models import DealMembership

    hidden = Theme.objects.create(name="Alleen intern")
    secret = DealFactory(unpublished=True)
    secret.themes.set([hidden])
    DealFactory(unpublished=True).themes.set([Theme.objects.create(name="Van niemand")])
    Theme.objects.create(name="Ongebruikt")
    member = django_user_model.objects.create_user(username="lid", password="een-lang-wachtwoord-42")
    DealMembership.objects.create(user=member, deal=secret, role="team")
    staff = django_user_model.objects.create_user(username="staf", is_staff=True,
                                                  password="een-lang-wachtwoord-42")
    seen = {}
    with translation.override(language):
        for name, user in [("system", None), ("staff", staff), ("member", member),
                           ("public", AnonymousUser())]:
            expected = [t.name for t in selectors.themes_in_use(user)]
            with django_assert_num_queries(1):  # (a member's roles: read just before)
                assert selectors.theme_names_in_use(user) == expected, name
            seen[name] = set(expected)
            for query in ["", "?theme=Alleen+intern"]:
                request = RequestFactory().get(reverse("deals:portfolio") + query)
                request.user = user
                filterset = PortfolioFilter(request.GET or None,
                                            queryset=selectors.portfolio_table(user), request=request)
                field = filterset.form["theme"]
                reference = _render(OPTIONS_TEMPLATE, {"field": field})
                portfolio_html.read_theme_options(field.field, user)
                assert portfolio_html.select_options(field) == reference, (name, query)
    assert "Alleen intern" in seen["member"] - seen["public"]
    assert "Van niemand" in seen["staff"] - seen["member"]
    assert "Ongebruikt" not in seen["system"]
