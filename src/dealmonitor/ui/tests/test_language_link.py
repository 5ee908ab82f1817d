"""The header's link to the same page in the other language: what Django's `translate_url`
gives, made from the address resolved for the request instead of resolving it again."""

import pytest
from django.urls import reverse, translate_url
from django.utils import translation

from dealmonitor.deals.tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def _link(html):
    return html.split('dm-language__link" href="')[1].split('"')[0].replace("&amp;", "&")


@pytest.mark.parametrize("prefix, other", [("", "en"), ("/en", "nl")])
def test_the_link_is_translate_urls(client, prefix, other):
    deal = DealFactory(slug="cd-taal_1")
    for path in [
        f"{prefix}{reverse('deals:portfolio')}?status=lopend&theme=Wonen+%26+zorg",
        f"{prefix}{reverse('deals:detail', args=[deal.slug])}",
        f"{prefix}{reverse('connections:deal', args=[deal.slug])}",
        f"{prefix}/bestaat-niet/",
    ]:
        response = client.get(path)
        assert _link(response.content.decode()) == translate_url(path, other), path
    with translation.override("nl"):
        dutch = reverse("deals:detail", args=[deal.slug])
    english = _link(client.get(dutch).content.decode())
    assert english == "/en" + dutch
