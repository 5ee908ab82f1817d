"""The one-deal update (issue 20, item 6): only that deal's row and column of the similarity,
from the stored index, and the same lists a full rebuild gives."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from dealmonitor.connections import related
from dealmonitor.connections.models import RelatedSuggestion, SimilarityFeature, StemCount
from dealmonitor.deals.models import Deal, Participation
from dealmonitor.deals.tests.factories import DealFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

# The one-deal update's queries: the changed deal's rows, the index's postings of its
# features (in chunks of 500 keys), the lists it may enter, the writes.
QUERIES = 100


def deal(slug):
    return Deal.objects.get(slug=slug)


def lists():
    out = {}
    for deal_id, other_id, score in RelatedSuggestion.objects.order_by(
            "deal_id", "rank").values_list("deal_id", "other_id", "score"):
        out.setdefault(deal_id, []).append((other_id, score))
    return out


def list_of(pk):
    """One deal's stored list as the page shows it: the deals, their scores and reasons."""
    return [(other_id, score, reasons) for other_id, score, reasons in
            RelatedSuggestion.objects.filter(deal_id=pk).order_by("rank").values_list(
                "other_id", "score", "reasons")]


def both_lists(change, pk):
    """`pk`'s list (with reasons) after `change()` and the one-deal update, and after
    `change()` and a full rebuild, both from the same stored state."""
    results = []
    for update in (lambda: related.update_for_deal(pk), related.build_all):
        with transaction.atomic():
            change()
            update()
            results.append(list_of(pk))
            transaction.set_rollback(True)
    return results


def both_ways(change, pk):
    """The lists after `change()` and the one-deal update, and after `change()` and a full
    rebuild, both from the same stored state."""
    results = []
    for update in (lambda: related.update_for_deal(pk()), related.build_all):
        with transaction.atomic():
            change()
            update()
            results.append(lists())
            transaction.set_rollback(True)
    return results


def test_the_rebuild_stores_the_index(related_data):
    kinds = set(SimilarityFeature.objects.values_list("kind", flat=True))
    assert {"o", "t", "s", "w", "m"} <= kinds


def test_new_rare_partners_give_the_lists_of_a_full_rebuild(related_data):
    kennis, woning = deal("cd-kennis-maken"), deal("cd-woningabonnement")

    def change():
        for i in range(5):
            org = OrganisationFactory(name=f"Stichting Zeldzaam {i}")
            Participation.objects.create(deal=kennis, organisation=org)
            Participation.objects.create(deal=woning, organisation=org)

    incremental, full = both_ways(change, lambda: kennis.pk)
    assert incremental == full
    assert woning.pk in [o for o, _s in incremental[kennis.pk][:3]]


def test_a_partner_leaving_gives_the_lists_of_a_full_rebuild(related_data):
    hub = deal("cd-health-hub")
    rare = (Participation.objects.filter(deal=hub).order_by("organisation__name")
            .values_list("organisation_id", flat=True))
    shared_by_two = [o for o in rare
                     if Participation.objects.filter(organisation_id=o).count() == 2]
    assert shared_by_two

    def change():
        Participation.objects.filter(deal=hub, organisation_id__in=shared_by_two[:2]).delete()

    incremental, full = both_ways(change, lambda: hub.pk)
    assert incremental == full


def test_a_new_description_ranks_the_deal_as_a_full_rebuild_does(related_data):
    lopen = deal("cd-ruimte-voor-lopen")

    def change():
        Deal.objects.filter(pk=lopen.pk).update(
            description=lopen.description + " Wandelroutes en stoepen in wijken met "
                                            "klimaatadaptatie en groen.")

    incremental, full = both_ways(change, lambda: lopen.pk)
    # Its own list: the same deals in the same order. (Words many deals share move the
    # rarity weights of other pairs a little, which the next rebuild settles.)
    assert [o for o, _s in incremental[lopen.pk]] == [o for o, _s in full[lopen.pk]]
    for (_o, a), (_o2, b) in zip(incremental[lopen.pk], full[lopen.pk]):
        assert a == pytest.approx(b, abs=0.02)


@pytest.mark.parametrize("slug", ["cd-ruimte-voor-lopen", "cd-health-hub", "cd-kennis-maken"])
def test_the_changed_deals_list_is_the_full_rebuilds_with_the_same_reasons(related_data, slug):
    """After new words (some shared with many deals, which moves their rarity weights), a
    new partner and a partner gone: the changed deal's list, scores and reasons are exactly
    what a full rebuild stores."""
    changed = deal(slug)
    rare = OrganisationFactory(name="Stichting Enkelvoud")
    partner = (Participation.objects.filter(deal=changed).order_by("organisation__name")
               .values_list("organisation_id", flat=True).first())
    other = Deal.objects.exclude(pk=changed.pk).order_by("name").first()

    def change():
        Deal.objects.filter(pk=changed.pk).update(
            description=changed.description + " Wandelroutes, stoepen en zorg in de wijk, "
                                              "met bewoners, klimaatadaptatie en groen.")
        Participation.objects.create(deal=changed, organisation=rare)
        Participation.objects.create(deal=other, organisation=rare)
        Participation.objects.filter(deal=changed, organisation_id=partner).delete()

    incremental, full = both_lists(change, changed.pk)
    assert full
    assert incremental == full


def test_the_update_sends_a_fixed_number_of_queries(related_data,
                                                   django_assert_max_num_queries):
    """No query per pair or per list: a change that moves the rarity of words many deals
    use, and a partner two deals now share, still take a bounded number of queries."""
    lopen, hub = deal("cd-ruimte-voor-lopen"), deal("cd-health-hub")
    Deal.objects.filter(pk=lopen.pk).update(
        description=lopen.description + " Bewoners en ondernemers maken de wijk groener.")
    org = OrganisationFactory(name="Stichting Tweetal")
    Participation.objects.create(deal=lopen, organisation=org)
    Participation.objects.create(deal=hub, organisation=org)
    with django_assert_max_num_queries(QUERIES):
        related.update_for_deal(lopen.pk)
    with django_assert_max_num_queries(QUERIES):
        related.update_for_deal(hub.pk)


def test_a_new_deal_and_a_deleted_one(related_data):
    new = DealFactory(name="City Deal Kennis Maken Twee",
                      description="Een vervolg op de City Deal Kennis Maken.")
    related.update_for_deal(new.pk)
    assert RelatedSuggestion.objects.filter(deal=new).exists()
    assert RelatedSuggestion.objects.filter(deal=new).first().other == deal("cd-kennis-maken")
    pk = new.pk
    new.delete()
    related.update_for_deal(pk)
    assert not RelatedSuggestion.objects.filter(other_id=pk).exists()


def test_the_update_reads_the_changed_deal_not_the_portfolio(related_data):
    """Its queries name the changed deal or read the index by feature; none reads every
    deal's texts (the descriptions, results and ambitions of all deals)."""
    kennis = deal("cd-kennis-maken")
    with CaptureQueriesContext(connection) as ctx:
        related.update_for_deal(kennis.pk)
    texts = [q["sql"] for q in ctx.captured_queries
             if ('"deals_result"' in q["sql"] or '"deals_ambition"' in q["sql"]
                 or '"description"' in q["sql"])]
    assert texts and all(str(kennis.pk) in sql for sql in texts), texts


def test_a_shared_regulation_gives_the_lists_of_a_full_rebuild(related_data):
    from dealmonitor.learning import services as learning

    # Titles in words no other deal uses: the regulation is all they share (a word several
    # deals share moves the rarity weights of other pairs, which the rebuild settles).
    slugs = ["cd-health-hub", "cd-kennis-maken", "cd-ruimte-voor-lopen"]
    for slug, title in zip(slugs[:2], ["Alfaknoop", "Betaknoop"]):
        learning.report_bottleneck(actor=None, deal=deal(slug), title=title,
                                   kind="regelgeving", rule="Omgevingswet")
    related.build_all()
    lopen = deal(slugs[2])

    def change():
        learning.report_bottleneck(actor=None, deal=lopen, title="Gammaknoop",
                                   kind="regelgeving", rule="de Omgevingswet")

    incremental, full = both_ways(change, lambda: lopen.pk)
    assert incremental == full


def test_many_changed_rows_are_written_anew_with_the_same_result(related_data, monkeypatch):
    from dealmonitor.connections import storage

    expected = lists()
    untouched = set(RelatedSuggestion.objects.filter(rank=1).values_list("pk", flat=True))
    RelatedSuggestion.objects.exclude(rank=1).update(score=0.0, reasons=[])
    monkeypatch.setattr(storage, "BULK_UPDATE_LIMIT", 0)
    related.build_all()
    assert lists() == expected
    # The rows that did not change keep their ids.
    assert untouched <= set(RelatedSuggestion.objects.values_list("pk", flat=True))


def stem_counts():
    return dict(StemCount.objects.filter(deals__gt=0).values_list("key", "deals"))


def recounted():
    """The stem counts counted afresh from the index's word rows."""
    from collections import Counter

    return dict(Counter(SimilarityFeature.objects.filter(kind="w").values_list("key", flat=True)))


def test_the_kept_stem_counts_are_those_of_the_index(related_data):
    """The update reads each stem's number of deals from the kept counts instead of counting
    the index's word rows: after a rebuild, after new words and words gone, and after a
    deleted deal, the counts are what counting those rows gives."""
    lopen = deal("cd-ruimte-voor-lopen")
    before = stem_counts()
    assert before and before == recounted()
    Deal.objects.filter(pk=lopen.pk).update(
        description="Wandelroutes en geveltuinen met deelauto's in de wijk.")
    related.update_for_deal(lopen.pk)
    assert stem_counts() == recounted()
    assert stem_counts() != before  # the change moved some counts
    deal("cd-health-hub").delete()
    assert stem_counts() == recounted()


def test_stored_lists_are_compared_by_the_fingerprint_of_their_reasons(related_data):
    """The rebuild compares stored rows by rank, score and a fingerprint of the reasons
    instead of reading their JSON back: every stored fingerprint is that of the stored
    reasons (after a rebuild and after an update), and a row whose fingerprint differs is
    written again."""
    from dealmonitor.connections import storage

    def fingerprints_match():
        return all(digest == storage.digest(reasons) for reasons, digest in
                   RelatedSuggestion.objects.values_list("reasons", "digest"))

    assert fingerprints_match()
    lopen = deal("cd-ruimte-voor-lopen")
    Deal.objects.filter(pk=lopen.pk).update(
        description=lopen.description + " Wandelroutes en geveltuinen in de wijk.")
    related.update_for_deal(lopen.pk)
    assert fingerprints_match()
    stale = RelatedSuggestion.objects.filter(deal=lopen, rank=1).get()
    RelatedSuggestion.objects.filter(pk=stale.pk).update(digest="stale", reasons=[])
    related.build_all()
    assert fingerprints_match()
    assert RelatedSuggestion.objects.get(pk=stale.pk).reasons == stale.reasons
