"""The related-deals engine: which deals are related to a deal, how strongly, and why.

The entry points: `build_all()` recomputes the stored top list of every deal, and
`update_for_deal(deal_pk)` recomputes one deal and the lists it enters or leaves, without a
full rebuild. The work is split by job:

- `profiles.py`  loads what the engine reads of each deal (partners, people, themes, texts;
                 lessons and bottlenecks through the learning app's registered interface);
- `features.py`  turns Dutch texts into stems and finds names and regulations in them;
- `mentions.py`  finds where one deal's texts name another (stated links);
- `weights.py`   the weights of the six signals and how rarity counts;
- `scoring.py`   the signals and the ranking (`Portfolio`);
- `evidence.py`  what each signal found, stored with a suggestion for the reasons;
- `storage.py`   writes the lists, touching only what changed.

docs/connections.md explains the choices and the figures.
"""

from __future__ import annotations

from django.db import transaction

from . import storage
from .features import terms_of  # noqa: F401 (the engine's reading of a text, for tools)
from .models import RelatedSuggestion
from .scoring import Portfolio
from .weights import MIN_SCORE, TOP_K, WEIGHTS, df_cap  # noqa: F401

__all__ = ["Portfolio", "build_all", "update_for_deal", "df_cap", "WEIGHTS", "TOP_K"]


def build_all():
    """Recompute the top list of every deal and store what changed. Returns (deals,
    suggestions)."""
    portfolio = Portfolio.load()
    previous = storage.previous_ranks(RelatedSuggestion.objects.all())
    rows = []
    for pk, ranked in portfolio.ranked_all().items():
        ranked = storage.stable_order(ranked, previous.get(pk))
        rows.extend(portfolio.suggestions(pk, ranked=ranked))
    storage.name_organisations(rows)
    with transaction.atomic():
        storage.store(rows, RelatedSuggestion.objects.all())
    return portfolio.n, len(rows)


def update_for_deal(deal_pk):
    """Recompute one deal's list, and the lists of the deals it enters or leaves.

    Exact for every pair (the signals are symmetric); the rarity weights of other pairs
    move a little when a deal changes its partners, which the next full rebuild settles.
    Returns the number of lists rewritten.
    """
    portfolio = Portfolio.load()
    if deal_pk not in portfolio.profiles:
        RelatedSuggestion.objects.filter(other_id=deal_pk).delete()
        return 0
    scores = portfolio.scores_for(deal_pk)
    had_it = set(
        RelatedSuggestion.objects.filter(other_id=deal_pk).values_list("deal_id", flat=True)
    )
    candidates = [o for o, s in scores.items() if s >= MIN_SCORE and o not in had_it]
    kth = dict(
        RelatedSuggestion.objects.filter(deal_id__in=candidates, rank=TOP_K)
        .values_list("deal_id", "score")
    )
    enters = {o for o in candidates if o not in kth or scores[o] >= kth[o]}
    affected = {deal_pk} | had_it | enters
    previous = storage.previous_ranks(RelatedSuggestion.objects.filter(deal_id__in=affected))
    rows = []
    for pk in affected:
        ranked = storage.stable_order(portfolio.ranked(pk), previous.get(pk))
        rows.extend(portfolio.suggestions(pk, ranked=ranked))
    storage.name_organisations(rows)
    with transaction.atomic():
        storage.store(rows, RelatedSuggestion.objects.filter(deal_id__in=affected))
    return len(affected)
