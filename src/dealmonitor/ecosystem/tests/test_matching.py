"""Matching needs and offers, evaluated on needs and offers written from the public
descriptions of the demo deals (fixtures/needs_offers.json, with the source of each). The
figures are reported in docs/ecosystem.md."""

import json
from pathlib import Path

import pytest

from dealmonitor.deals.models import Deal, Theme
from dealmonitor.ecosystem.matching import matches_for
from dealmonitor.ecosystem.models import Post
from dealmonitor.organisations.models import Organisation

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "needs_offers.json"


def load_fixture():
    posts = {}
    for item in json.loads(FIXTURE.read_text(encoding="utf-8"))["posts"]:
        post = Post.objects.create(
            deal=Deal.objects.get(slug=item["deal"]),
            organisation=Organisation.objects.get(slug=item["organisation"]),
            direction=item["direction"], kind=item["kind"], title=item["title"], text=item["text"],
            region=item["region"], visibility="openbaar")
        post.themes.set([Theme.objects.get_or_create(name=name)[0] for name in item["themes"]])
        posts[item["id"]] = (post, item)
    return posts


def evaluate(posts):
    """Precision of every match shown, precision of the best match, recall of the fits."""
    shown = right = top_right = needs = fits = found = 0
    extra = []
    by_pk = {p.pk: key for key, (p, _item) in posts.items()}
    for key, (post, item) in posts.items():
        if item["direction"] != "vraag":
            continue
        needs += 1
        matches = matches_for(post)
        result = [by_pk[m.post.pk] for m in matches]
        extra.extend((key, by_pk[m.post.pk], m.score, m.reasons) for m in matches
                     if by_pk[m.post.pk] not in item["fits"])
        shown += len(result)
        right += sum(1 for r in result if r in item["fits"])
        top_right += bool(result and result[0] in item["fits"])
        fits += len(item["fits"])
        found += sum(1 for f in item["fits"] if f in result)
    evaluate.extra = extra
    return {"needs": needs, "matches shown": shown, "precision": right / shown,
            "precision at 1": top_right / needs, "recall": found / fits}


def test_every_fixture_post_names_its_source_and_its_deal_exists(demo_data):
    posts = load_fixture()
    assert len(posts) == 21
    assert all(item["source"] for _post, item in posts.values())


def test_matching_on_the_fixture(demo_data, capsys):
    figures = evaluate(load_fixture())
    with capsys.disabled():
        print("\nneeds and offers matching:", {k: round(v, 2) for k, v in figures.items()})
        for line in evaluate.extra:
            print("  not a fit, shown:", line)
    assert figures["precision at 1"] >= 0.85
    assert figures["precision"] >= 0.75
    assert figures["recall"] >= 0.85


def test_a_match_says_why(demo_data):
    posts = load_fixture()
    need, offer = posts["n4"][0], posts["o4"][0]
    best = matches_for(need)[0]
    assert best.post == offer
    text = " ".join(best.reasons)
    assert "klimaatadaptatie" in text and "water" in text  # themes and words in common


def test_no_match_across_kinds_or_closed_or_out_of_period(demo_data):
    import datetime as dt

    posts = load_fixture()
    need, offer = posts["n6"][0], posts["o6"][0]
    offer.is_open = False
    offer.save()
    assert offer not in [m.post for m in matches_for(need)]
    offer.is_open = True
    offer.period_end = dt.date(2020, 1, 1)
    offer.save()
    need.period_start = dt.date(2024, 1, 1)
    need.save()
    assert offer not in [m.post for m in matches_for(need)]
