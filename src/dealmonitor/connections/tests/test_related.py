"""The related-deals engine on the real demo data, and the choices people make about it."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from dealmonitor.connections import related, selectors, services
from dealmonitor.connections.constants import DecisionStatus, LinkKind
from dealmonitor.connections.models import Connection, RelatedSuggestion
from dealmonitor.deals.models import Deal, Participation
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory, ParticipationFactory

pytestmark = pytest.mark.django_db


def deal(slug):
    return Deal.objects.get(slug=slug)


def ranked_slugs(slug, limit=10):
    items = selectors.related_for_deal(None, deal(slug), limit=limit)["items"]
    return [item.other.slug for item in items]


def related_json(slug):
    out = StringIO()
    call_command("related", slug, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_slim_maatwerk_is_in_the_first_three_for_een_slimme_stad(related_data):
    data = related_json("cd-een-slimme-stad")
    top = [row["deal"] for row in data["related"][:3]]
    assert "cd-slim-maatwerk" in top
    row = next(r for r in data["related"] if r["deal"] == "cd-slim-maatwerk")
    text = " ".join(row["reasons"])
    assert "Dezelfde persoon heeft een rol in beide deals" in text
    assert "projectleider" in text
    assert "Een bron vertelt waar de een uit voortkwam" in text  # in Dutch, with the sentence:
    assert "ontstond doordat de City Deals Eenvoudig Maatwerk" in text
    assert row["score"] > 0


def test_health_hub_utrecht_is_first_for_the_health_hub_city_deal(related_data):
    data = related_json("cd-health-hub")
    assert data["related"][0]["deal"] == "ot-health-hub-utrecht"
    assert "voortkwam uit de City Deal Health Hub" in " ".join(data["related"][0]["reasons"])


def test_the_command_builds_a_missing_list_itself(demo_data):
    assert not RelatedSuggestion.objects.exists()
    data = related_json("cd-health-hub")
    assert data["related"][0]["deal"] == "ot-health-hub-utrecht"


def test_scores_are_symmetric_and_ranked(related_data):
    portfolio = related.Portfolio.load()
    a, b = deal("cd-een-slimme-stad").pk, deal("cd-slim-maatwerk").pk
    score_ab = portfolio.total(portfolio.components_for(a)[b])
    score_ba = portfolio.total(portfolio.components_for(b)[a])
    assert score_ab == pytest.approx(score_ba)
    scores = list(
        RelatedSuggestion.objects.filter(deal=deal("cd-kennis-maken")).values_list("score",
                                                                                  flat=True)
    )
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("limit, block", [(20, 500), (5, 7)])
def test_the_rebuild_ranks_every_deal_as_the_one_deal_ranking_does(related_data, limit, block):
    """The full rebuild computes all lists at once (sparse matrices, in blocks of deals); it
    must give each deal the list that ranking that deal alone gives: the same deals in the
    same order with the same scores and signal values. (limit 5 makes the rebuild pick the
    top among more candidates than it keeps; block 7 splits the 26 deals over four blocks.)"""
    portfolio = related.Portfolio.load()
    at_once = portfolio.ranked_all(limit=limit, block=block)
    assert set(at_once) == set(portfolio.profiles)
    assert sum(len(rows) for rows in at_once.values()) > 0
    for pk in portfolio.profiles:
        alone = portfolio.ranked(pk, limit)
        assert [(o, s) for o, s, _v in at_once[pk]] == [(o, s) for o, s, _v in alone], pk
        for (_o, _s, values), (_o2, _s2, expected) in zip(at_once[pk], alone):
            assert values == pytest.approx(expected)


def test_a_rare_shared_organisation_weighs_more_than_a_common_one(db):
    ministry = OrganisationFactory(name="Ministerie", slug="ministerie")
    foundation = OrganisationFactory(name="Stichting Klein", slug="stichting-klein")
    deals = [DealFactory(description="") for _ in range(6)]
    for d in deals:
        ParticipationFactory(deal=d, organisation=ministry)
    ParticipationFactory(deal=deals[0], organisation=foundation)
    ParticipationFactory(deal=deals[1], organisation=foundation)
    portfolio = related.Portfolio.load()
    ranked = portfolio.ranked(deals[0].pk)
    assert ranked[0][0] == deals[1].pk
    via_ministry = portfolio.total(portfolio.components(deals[0].pk, deals[2].pk))
    assert ranked[0][1] > 10 * via_ministry
    reason = portfolio.reasons(deals[0].pk, deals[1].pk, ranked[0][2])
    orgs = next(r for r in reason if r["kind"] == "organisations")
    assert orgs["items"][0]["name"] == "Stichting Klein"  # the rare one is named first


def test_a_stated_link_is_found_in_any_deal_text_without_a_list_of_pairs(db):
    old = DealFactory(name="City Deal Groene Daken", slug="cd-groene-daken", description="")
    new = DealFactory(
        name="Nationaal Programma Daken", slug="ot-daken",
        description="Het programma kwam voort uit de City Deal Groene Daken.",
    )
    DealFactory.create_batch(3, description="Iets heel anders over mobiliteit.")
    portfolio = related.Portfolio.load()
    top = portfolio.ranked(old.pk)[0]
    assert top[0] == new.pk
    reason = portfolio.reasons(old.pk, new.pk, top[2])[0]
    assert reason["kind"] == "stated" and reason["follow_up"]


def test_confirm_puts_a_suggestion_first_and_is_kept(related_data, staff_user):
    slugs = ranked_slugs("cd-health-hub")
    low = slugs[-1]
    services.confirm_connection(actor=staff_user, deal=deal("cd-health-hub"), other=deal(low),
                                kind=LinkKind.KNOWLEDGE_EXCHANGE, note="Samen een sessie.")
    items = selectors.related_for_deal(None, deal("cd-health-hub"))["items"]
    assert items[0].other.slug == low and items[0].confirmed
    # Kept for the other deal too, and across a rebuild of the suggestions.
    services.rebuild_suggestions(actor=None)
    other_items = selectors.related_for_deal(None, deal(low))["items"]
    assert other_items[0].other.slug == "cd-health-hub"
    row = Connection.objects.get()
    assert row.kind == LinkKind.KNOWLEDGE_EXCHANGE and row.decided_by == staff_user
    assert row.history.first().history_user == staff_user


def test_dismiss_takes_a_suggestion_out_and_keeps_the_reason(related_data, staff_user):
    second = ranked_slugs("cd-een-slimme-stad")[1]
    services.dismiss_connection(actor=staff_user, deal=deal("cd-een-slimme-stad"),
                                other=deal(second), reason="Alleen hetzelfde thema.")
    services.rebuild_suggestions(actor=None)
    result = selectors.related_for_deal(None, deal("cd-een-slimme-stad"))
    assert second not in [i.other.slug for i in result["items"]]
    assert [i.other.slug for i in result["dismissed"]] == [second]
    assert result["dismissed"][0].decision.note == "Alleen hetzelfde thema."
    # Withdrawing brings it back; the history keeps both steps.
    services.withdraw_decision(actor=staff_user, deal=deal("cd-een-slimme-stad"),
                               other=deal(second))
    assert second in ranked_slugs("cd-een-slimme-stad")
    assert Connection.history.count() == 2


def test_a_decision_needs_a_kind_or_a_reason(related_data, staff_user):
    with pytest.raises(ValidationError):
        services.confirm_connection(actor=staff_user, deal=deal("cd-health-hub"),
                                    other=deal("ot-health-hub-utrecht"), kind="")
    with pytest.raises(ValidationError):
        services.dismiss_connection(actor=staff_user, deal=deal("cd-health-hub"),
                                    other=deal("ot-health-hub-utrecht"), reason="  ")
    with pytest.raises(ValidationError):
        services.dismiss_connection(actor=staff_user, deal=deal("cd-health-hub"),
                                    other=deal("cd-health-hub"), reason="zelf")
    assert not Connection.objects.exists()


def test_only_the_programme_or_the_team_of_either_deal_decides(
    related_data, django_user_model, team_member
):
    stranger = django_user_model.objects.create_user(username="iemand", password="x" * 20)
    health_team = team_member("cd-health-hub")
    hub, utrecht, lopen = deal("cd-health-hub"), deal("ot-health-hub-utrecht"), deal(
        "cd-ruimte-voor-lopen")
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), stranger):
        with pytest.raises(PermissionDenied):
            services.confirm_connection(actor=user, deal=hub, other=utrecht,
                                        kind=LinkKind.FOLLOW_UP)
    with pytest.raises(PermissionDenied):  # the team of neither deal
        services.dismiss_connection(actor=health_team, deal=lopen,
                                    other=deal("cd-fietsen-voor-iedereen"), reason="nee")
    services.confirm_connection(actor=health_team, deal=utrecht, other=hub,
                                kind=LinkKind.FOLLOW_UP)
    assert Connection.objects.get().status == DecisionStatus.CONFIRMED
    with pytest.raises(PermissionDenied):
        services.rebuild_suggestions(actor=stranger)


def test_one_deal_is_updated_without_a_full_rebuild(related_data):
    kennis, woning = deal("cd-kennis-maken"), deal("cd-woningabonnement")
    untouched = deal("cd-klimaatadaptatie")
    before = {s.pk for s in RelatedSuggestion.objects.filter(deal=untouched)}
    assert woning.slug not in ranked_slugs("cd-kennis-maken", limit=20)[:3]
    rare = [OrganisationFactory(name=f"Stichting Zeldzaam {i}") for i in range(5)]
    for org in rare:
        Participation.objects.create(deal=kennis, organisation=org)
        Participation.objects.create(deal=woning, organisation=org)
    lists = related.update_for_deal(kennis.pk)
    assert woning.slug in ranked_slugs("cd-kennis-maken")[:3]
    assert kennis.slug in ranked_slugs("cd-woningabonnement")[:3]
    assert 2 <= lists < Deal.objects.count()
    after = {s.pk for s in RelatedSuggestion.objects.filter(deal=untouched)}
    if untouched.pk not in set(
        RelatedSuggestion.objects.filter(other=kennis).values_list("deal_id", flat=True)
    ):
        assert after == before  # a list the change does not touch is left as it was


def test_a_saved_change_updates_the_lists_after_commit(
    related_data, django_capture_on_commit_callbacks
):
    kennis, woning = deal("cd-kennis-maken"), deal("cd-woningabonnement")
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(5):
            org = OrganisationFactory(name=f"Stichting Gedeeld {i}")
            Participation.objects.create(deal=kennis, organisation=org)
            Participation.objects.create(deal=woning, organisation=org)
    assert woning.slug in ranked_slugs("cd-kennis-maken")[:3]


def test_evaluation_prints_precision_and_recall_at_5(related_data):
    out = StringIO()
    call_command("related-eval", stdout=out)
    text = out.getvalue()
    assert "precision@5" in text and "recall@5" in text
    from dealmonitor.connections.evaluation import evaluate

    precision, recall, rows = evaluate()
    assert recall >= 0.8  # stated links rank high: most of them in the first five
    assert len(rows) >= 10


def test_bottlenecks_and_programme_lessons_count_but_private_lessons_do_not(db):
    from django.apps import apps

    try:
        bottleneck = apps.get_model("learning", "Bottleneck")
        lesson = apps.get_model("learning", "Lesson")
    except LookupError:
        pytest.skip("the learning app records no bottlenecks or lessons yet")
    a, b, c = (DealFactory(name=f"City Deal {name}", description="") for name in ("Alfa", "Beta", "Gamma"))
    for d in (a, b):
        bottleneck.objects.create(deal=d, title="Subsidie", kind="regelgeving",
                                  rule="ISDE-regeling", signalled_on=dt.date(2023, 5, 1))
    lesson.objects.create(deal=a, title="Warmtepompen", text="Warmtepompen zomerstilte.",
                          kind="succes", visibility="deal")
    lesson.objects.create(deal=c, title="Warmtepompen", text="Warmtepompen zomerstilte.",
                          kind="succes", visibility="deal")
    portfolio = related.Portfolio.load()
    top = portfolio.ranked(a.pk)
    assert top[0][0] == b.pk
    kinds = {r["kind"]: r for r in portfolio.reasons(a.pk, b.pk, top[0][2])}
    assert kinds["regulation"]["items"] == ["ISDE-regeling"]
    # A deal-only lesson is not read: its words link nothing.
    shared_words = [
        word for reason in portfolio.reasons(a.pk, c.pk, portfolio.components(a.pk, c.pk))
        if reason["kind"] == "text" for word in reason["items"]
    ]
    assert portfolio.components(a.pk, c.pk)[4] == 0 and "warmtepompen" not in shared_words


def test_a_regulation_is_recognised_by_its_acronym_and_its_words(db):
    from dealmonitor.learning import services as learning

    a, b, c, d = (DealFactory(description="") for _ in range(4))
    for deal_, rule in ((a, "Investeringssubsidie duurzame energie en energiebesparing (ISDE)"),
                        (b, "ISDE-regeling"), (c, "Omgevingswet"), (d, "de Omgevingswet")):
        learning.report_bottleneck(actor=None, deal=deal_, title="Regel knelt", kind="regelgeving",
                                   rule=rule)
    portfolio = related.Portfolio.load()
    assert [o for o, _s, _v in portfolio.ranked(a.pk)][:1] == [b.pk]
    assert [o for o, _s, _v in portfolio.ranked(c.pk)][:1] == [d.pk]
    values = portfolio.components(a.pk, b.pk)
    assert values == portfolio.components(b.pk, a.pk)  # counted alike from either side
    assert values[5] == 1


def test_the_rebuild_counts_shared_regulations_as_the_one_deal_ranking_does(db):
    """Shared regulations in the rebuild are counted per group of deals with the same
    wordings; with several bottlenecks per deal, wordings that share a key and one wording
    with several keys, every list must still equal the one-deal ranking."""
    from dealmonitor.learning import services as learning

    rules = [
        ["ISDE-regeling"],
        ["Investeringssubsidie duurzame energie en energiebesparing (ISDE)", "Omgevingswet"],
        ["de Omgevingswet", "Woningwet"],
        ["Woningwet", "ISDE-regeling", "Wet kwaliteitsborging voor het bouwen"],
        ["Wet kwaliteitsborging voor het bouwen (Wkb)"],
        ["Omgevingswet"],
        [],
        ["Woningwet"],
        ["Omgevingswet", "de Omgevingswet"],  # two wordings meet one of the other's
    ]
    for wordings in rules:
        deal_ = DealFactory(description="")
        for rule in wordings:
            learning.report_bottleneck(actor=None, deal=deal_, title="Regel knelt",
                                       kind="regelgeving", rule=rule)
    portfolio = related.Portfolio.load()
    at_once = portfolio.ranked_all(block=3)
    assert sum(1 for rows in at_once.values() for _o, _s, v in rows if v[5] >= 1) >= 6
    for pk in portfolio.profiles:
        assert [(o, s, v) for o, s, v in at_once[pk]] == portfolio.ranked(pk), pk


def test_two_deals_that_list_only_the_same_ministry_are_no_strong_match(db):
    """A cosine over one common organisation would be a perfect 1; a short list counts as
    at least two items, so a shared rare foundation still beats a shared ministry."""
    ministry = OrganisationFactory(name="Ministerie", slug="ministerie")
    foundation = OrganisationFactory(name="Stichting Klein", slug="stichting-klein")
    deals = [DealFactory(description="") for _ in range(8)]
    for d in deals[:6]:
        ParticipationFactory(deal=d, organisation=ministry)
    for d in deals[6:]:
        ParticipationFactory(deal=d, organisation=foundation)
    portfolio = related.Portfolio.load()
    via_ministry = portfolio.components(deals[0].pk, deals[1].pk)[2]
    via_foundation = portfolio.components(deals[6].pk, deals[7].pk)[2]
    assert via_ministry < 0.1 < via_foundation


def test_dutch_compounds_meet_their_parts_and_report_words_do_not_count(db):
    water = DealFactory(name="City Deal Grachten", description="Het waterbeheer in de binnenstad.")
    plain = DealFactory(name="City Deal Kranen", description="Schoon water voor iedereen.")
    for name in ("Fietsen", "Lopen", "Rijden"):
        DealFactory(name=f"City Deal {name}", description="Beheer van mobiliteit.")
    portfolio = related.Portfolio.load()
    assert portfolio.components(water.pk, plain.pk)[4] > 0  # "waterbeheer" meets "water"
    # "vier", "juni" and "tweede" say when and how much, not what about; every City Deal is
    # about cities ("steden").
    assert related.terms_of("Gestart in vier steden in juni, tweede ronde.") == ["rond"]
