"""`selectors.visible_deal`: one deal by its identifier through the gateway, in SQL compiled
once for who sees everything and for the public. For every kind of reader it answers as
`visible_deals(user).get(slug=...)` does, refusal included."""

import pytest
from django.contrib.auth.models import AnonymousUser

from dealmonitor.accounts.models import DealMembership, User
from dealmonitor.deals import selectors
from dealmonitor.deals.models import Deal
from dealmonitor.deals.tests.factories import DealFactory

pytestmark = pytest.mark.django_db


def _answer(find, user, slug):
    try:
        return find(user, slug).pk
    except Deal.DoesNotExist:
        return None


def test_every_reader_gets_what_the_gateway_gives():
    published = DealFactory(slug="cd-open")
    hidden = DealFactory(slug="cd-dicht", unpublished=True)
    other_hidden = DealFactory(slug="cd-ander_1", unpublished=True)
    member = User.objects.create(username="lid")
    DealMembership.objects.create(user=member, deal=hidden, role="team")
    readers = {
        "system": None,
        "public": AnonymousUser(),
        "signed in, no role": User.objects.create(username="iemand"),
        "member": member,
        "programme": User.objects.create(username="programma", is_staff=True),
        "evaluator": User.objects.create(username="evaluator", is_evaluator=True),
    }
    slugs = [published.slug, hidden.slug, other_hidden.slug, "bestaat-niet", "cd-open%", "' OR 1=1 --",
             "CD-OPEN", "cd-öpen"]
    seen = {}
    for name, user in readers.items():
        for slug in slugs:
            wanted = _answer(lambda u, s: selectors.visible_deals(u).get(slug=s), user, slug)
            assert _answer(selectors.visible_deal, user, slug) == wanted, (name, slug)
            seen[name, slug] = wanted
    assert seen["public", "cd-open"] == published.pk and seen["public", "cd-dicht"] is None
    assert seen["member", "cd-dicht"] == hidden.pk and seen["member", "cd-ander_1"] is None
    assert seen["programme", "cd-ander_1"] == other_hidden.pk
    assert seen["system", "cd-open%"] is None
