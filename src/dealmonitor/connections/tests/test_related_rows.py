"""The related deals of a deal read with one written-out query (`selectors._related_rows`) are
what the ORM querysets they replace read: the same suggestions and decisions, in the same
order, with the same columns and values, for every kind of reader (the programme, a deal's
team, a signed-in user without a role, the public), with decisions inside and outside the
suggestions and on deals the reader may not see. The querysets are kept here as the
reference."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from dealmonitor.accounts.models import DealMembership
from dealmonitor.connections import selectors, services
from dealmonitor.connections.constants import ReasonKind
from dealmonitor.connections.models import Connection, RelatedSuggestion
from dealmonitor.connections.selectors import OTHER_DEAL_FIELDS
from dealmonitor.deals.models import Deal
from dealmonitor.deals.rules import sees_everything
from dealmonitor.deals.selectors import visible_deals, visible_deals_q

pytestmark = pytest.mark.django_db


def reference_rows(user, deal):
    """The suggestions and decisions as related_for_deal read them through the ORM."""
    decisions = {
        c.other_than(deal).pk: c
        for c in Connection.objects.filter(Q(deal_a=deal) | Q(deal_b=deal))
        .select_related("deal_a", "deal_b")
        .only(*(f.name for f in Connection._meta.concrete_fields),
              *(f"{side}__{f}" for side in ("deal_a", "deal_b") for f in OTHER_DEAL_FIELDS))
    }
    if decisions and not sees_everything(user):
        readable = set(visible_deals(user).filter(pk__in=list(decisions))
                       .values_list("pk", flat=True))
        decisions = {pk: c for pk, c in decisions.items() if pk in readable}
    suggestions = [
        (s.other, s.rank, s.score, s.reasons)
        for s in RelatedSuggestion.objects.filter(visible_deals_q(user, "other"), deal=deal)
        .select_related("other")
        .only("deal_id", "other_id", "rank", "score", "reasons",
              *(f"other__{f}" for f in OTHER_DEAL_FIELDS))
        .order_by("rank")
    ]
    return suggestions, decisions


def deal_data(deal):
    return (type(deal), deal.get_deferred_fields(),
            {f: getattr(deal, f) for f in OTHER_DEAL_FIELDS})


def decision_data(decision, deal):
    """A decision's columns and its other deal (its side of `deal` is the deal itself)."""
    assert deal.pk in (decision.deal_a.pk, decision.deal_b.pk)
    return ({f.attname: getattr(decision, f.attname) for f in Connection._meta.concrete_fields},
            deal_data(decision.other_than(deal)), decision.get_deferred_fields())


def as_data(rows, deal):
    suggestions, decisions = rows
    return ([(deal_data(other), rank, score, reasons) for other, rank, score, reasons in suggestions],
            [(pk, decision_data(d, deal)) for pk, d in decisions.items()])


@pytest.fixture
def readers(django_user_model, staff_user):
    hub = Deal.objects.get(slug="cd-health-hub")
    team = django_user_model.objects.create_user(username="team", password="een-lang-wachtwoord-42")
    nobody = django_user_model.objects.create_user(username="niemand",
                                                   password="een-lang-wachtwoord-42")
    return hub, {"programme": staff_user, "system": None, "team": team, "signed in": nobody,
                 "public": AnonymousUser()}


def test_one_query_reads_what_the_querysets_read(related_data, readers,
                                                 django_assert_num_queries):
    hub, users = readers
    staff = users["programme"]
    suggested = [i.other for i in selectors.related_for_deal(staff, hub)["items"]]
    outside = Deal.objects.exclude(pk__in=[hub.pk] + [d.pk for d in suggested]).order_by("pk")
    services.confirm_connection(actor=staff, deal=hub, other=suggested[0], kind="follow_up",
                                note="Samen verder")
    services.dismiss_connection(actor=staff, deal=hub, other=suggested[1], reason="Toeval.")
    services.confirm_connection(actor=staff, deal=hub, other=outside[0], kind="other")
    services.dismiss_connection(actor=staff, deal=hub, other=outside[1], reason="Nee.")
    # deals only some readers may see: a suggestion and a decided deal, unpublished, one of
    # them in the team's own list of deals
    hidden = [suggested[2], outside[0], suggested[0]]
    Deal.objects.filter(pk__in=[d.pk for d in hidden]).update(is_published=False)
    DealMembership.objects.create(user=users["team"], deal=hidden[0], role="team")
    DealMembership.objects.create(user=users["team"], deal=hub, role="team")
    # the hub's lower id on the other side of a pair too
    low = Deal.objects.filter(pk__lt=hub.pk).order_by("pk").first()
    if low is not None:
        services.confirm_connection(actor=staff, deal=hub, other=low, kind="other")
    hub.refresh_from_db()
    for name, user in users.items():
        expected = as_data(reference_rows(user, hub), hub)
        with django_assert_num_queries(1):  # (a user's roles: read by the reference already)
            got = selectors._related_rows(user, hub)
        assert as_data(got, hub) == expected, name
        assert expected[0] and expected[1], name
    assert (len(selectors._related_rows(users["programme"], hub)[0])
            > len(selectors._related_rows(users["public"], hub)[0]))


def test_a_shared_regulation_only_for_who_sees_the_internals_of_both(related_data, readers):
    hub, users = readers
    suggestion = RelatedSuggestion.objects.filter(deal=hub).order_by("rank").first()
    rule = {"kind": ReasonKind.REGULATION, "items": ["de Omgevingswet"], "score": 0.1}
    suggestion.reasons = [*suggestion.reasons, rule]
    suggestion.save()
    DealMembership.objects.create(user=users["team"], deal=hub, role="team")
    other_team = users["signed in"]
    DealMembership.objects.create(user=other_team, deal=hub, role="team")
    DealMembership.objects.create(user=other_team, deal=suggestion.other, role="team")

    def shown(user):
        items = selectors.related_for_deal(user, hub)["items"]
        item = next(i for i in items if i.other.pk == suggestion.other_id)
        return rule in item.reasons

    assert shown(users["programme"]) and shown(users["system"]) and shown(other_team)
    assert not shown(users["team"]) and not shown(users["public"])
