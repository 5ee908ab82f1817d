"""The related-deals page's suggestions built in Python (connections/related_html.py) are the
HTML the template loop wrote before, character for character: the loop is kept here as the
reference and rendered on the same items (suggested, confirmed with and without a note, a
confirmed deal outside the suggestions, forms blank and sent back with errors, markup in the
texts), for who may decide and who may not, in both languages (one test: the related-deal
lists take a while to build)."""

import re

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from dealmonitor.connections import related_html, selectors, services
from dealmonitor.connections.constants import LinkKind
from dealmonitor.connections.forms import ConfirmForm, DismissForm
from dealmonitor.deals.models import Deal
from dealmonitor.ui.forms import BlankFormsByPrefix

pytestmark = pytest.mark.django_db

# connections/deal_related.html before issue 20 item 2: the loop over the suggestions
ITEMS_TEMPLATE = """{% load i18n %}{% for item in items %}
  <li class="utrecht-ordered-list__item dm-related__item" id="related-{{ item.other.slug }}">
    <h3 class="utrecht-heading-3"><a class="utrecht-link utrecht-link--html-a" href="{% url 'connections:deal' item.other.slug %}">{{ item.other.name }}</a></h3>
    <p class="dm-badges">
      {% if item.confirmed %}<span class="utrecht-status-badge utrecht-status-badge--success">{% translate "Confirmed" %}: {{ item.decision.get_kind_display }}</span>{% endif %}
      {% if item.score is not None %}<span class="utrecht-badge-data">{% translate "Score" %}: {{ item.score|floatformat:2 }}</span>{% endif %}
      <a class="utrecht-link utrecht-link--html-a" href="{{ item.other.get_absolute_url }}">{% translate "Deal page" %}<span class="sr-only"> {{ item.other.name }}</span></a>
    </p>
    {% if item.learning_text %}<p class="utrecht-paragraph dm-learn">{{ item.learning_text }}</p>{% endif %}
    {% if item.reason_texts %}
    <ul class="utrecht-unordered-list">
      {% for text in item.reason_texts %}<li class="utrecht-unordered-list__item">{{ text }}</li>{% endfor %}
    </ul>
    {% endif %}
    {% if item.confirmed and item.decision.note %}<p class="utrecht-paragraph dm-note">{{ item.decision.note }}</p>{% endif %}
    {% if can_decide %}
    <details class="dm-decide"{% if item.confirm_form.is_bound or item.dismiss_form.is_bound %} open{% endif %}>
      <summary>{% if item.confirmed %}{% translate "Change or withdraw" %}{% else %}{% translate "Confirm or dismiss" %}{% endif %}<span class="sr-only"> – {{ item.other.name }}</span></summary>
      <form method="post" action="{% url 'connections:decide' deal.slug item.other.slug %}" class="dm-form">
        {% csrf_token %}
        {{ item.confirm_form }}
        <button type="submit" name="action" value="confirm" class="utrecht-button utrecht-button--primary-action">{% translate "Confirm connection" %}</button>
      </form>
      {% if not item.confirmed %}
      <form method="post" action="{% url 'connections:decide' deal.slug item.other.slug %}" class="dm-form">
        {% csrf_token %}
        {{ item.dismiss_form }}
        <button type="submit" name="action" value="dismiss" class="utrecht-button utrecht-button--secondary-action">{% translate "Dismiss suggestion" %}</button>
      </form>
      {% else %}
      <form method="post" action="{% url 'connections:decide' deal.slug item.other.slug %}">
        {% csrf_token %}
        <button type="submit" name="action" value="withdraw" class="utrecht-button utrecht-button--subtle">{% translate "Withdraw confirmation" %}</button>
      </form>
      {% endif %}
    </details>
    {% endif %}
  </li>
  {% endfor %}"""

TOKEN = "t0k3n&<x>"


def _items(user, deal, bound_for=None):
    items = selectors.related_for_deal(user, deal)["items"]
    blank_confirm, blank_dismiss = BlankFormsByPrefix(ConfirmForm), BlankFormsByPrefix(DismissForm)
    for item in items:
        prefix = item.other.slug
        if item.other.slug == bound_for:
            item.confirm_form = ConfirmForm({f"{prefix}-kind": "geen-soort"}, prefix=prefix)
            item.dismiss_form = DismissForm({f"{prefix}-reason": ""}, prefix=prefix)
        else:
            item.confirm_form, item.dismiss_form = blank_confirm(prefix), blank_dismiss(prefix)
    return items


def test_the_items_are_the_templates_items(related_data, staff_user, django_assert_num_queries):
    hub = Deal.objects.get(slug="cd-health-hub")
    suggested = selectors.related_for_deal(staff_user, hub)["items"]
    first, second = suggested[0].other, suggested[1].other
    services.confirm_connection(actor=staff_user, deal=hub, other=first, kind=LinkKind.FOLLOW_UP,
                                note='Samen <verder> & "sneller"')
    services.confirm_connection(actor=staff_user, deal=hub, other=second, kind=LinkKind.OTHER)
    outside = Deal.objects.exclude(pk__in=[hub.pk] + [i.other.pk for i in suggested]).first()
    services.confirm_connection(actor=staff_user, deal=hub, other=outside, kind=LinkKind.OTHER)
    Deal.objects.filter(pk=suggested[2].other.pk).update(name='Deal <b>"X"</b> & co')
    for language, can_decide in [("nl", True), ("en", True), ("nl", False), ("en", False)]:
        with translation.override(language):
            items = _items(staff_user, hub, bound_for=suggested[3].other.slug)
            assert {i.confirmed for i in items} == {True, False}
            assert any(i.score is None for i in items) and any(i.reason_texts for i in items)
            assert any(i.learning_text for i in items)
            with django_assert_num_queries(0):  # what the items show was read with them
                ours = related_html.ItemList(hub, can_decide=can_decide, csrf_token=TOKEN)(items)
            theirs = engines["django"].from_string(ITEMS_TEMPLATE).render(
                {"items": items, "deal": hub, "can_decide": can_decide, "csrf_token": TOKEN})
            assert ours == theirs, (language, can_decide)
            assert "Deal &lt;b&gt;&quot;X&quot;&lt;/b&gt; &amp; co" in ours
            assert (" open>" in ours) is can_decide


def test_the_page_shows_the_items_with_the_pages_one_token(client, related_data, staff_user):
    client.force_login(staff_user)
    html = client.get(reverse("connections:deal", args=["cd-health-hub"])).content.decode()
    assert html.count('dm-related__item" id="related-') == 10
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert tokens == set(re.findall(r'"X-CSRFToken": "([^"]+)"', html))
    assert len(tokens) == 1


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_score_is_shown_as_floatformat_shows_it(language):
    from django.template.defaultfilters import floatformat
    from django.utils.formats import get_format

    scores = [0.0, -0.0, 0.004, 0.005, 0.015, 0.125, 0.53, 1.005, 2.675, 9.999, 123.456, -0.001,
              -1.235, 999.994, 999.995, 1234.5678, 1e-20, 3, float("nan"), float("inf"), None]
    with translation.override(language):
        separator = get_format("DECIMAL_SEPARATOR")
        for score in scores:
            assert related_html.score_text(score, separator) == floatformat(score, 2), score
