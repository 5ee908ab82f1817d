"""The related-deals engine: which deals are related to a deal, how strongly, and why.

The entry points: `build_all()` recomputes the stored top list of every deal, and
`update_for_deal(deal_pk)` recomputes one deal and the lists it enters or leaves from the
stored similarity index, without loading the portfolio. The work is split by job:

- `profiles.py`  loads what the engine reads of each deal (partners, people, themes, texts;
                 lessons and bottlenecks through the learning app's registered interface);
- `features.py`  turns Dutch texts into stems and finds names and regulations in them;
- `mentions.py`  finds where one deal's texts name another (stated links);
- `weights.py`   the weights of the six signals and how rarity counts;
- `scoring.py`   the signals and the ranking (`Portfolio`);
- `evidence.py`  what each signal found, stored with a suggestion for the reasons;
- `storage.py`   writes the lists, touching only what changed;
- `index.py`     the stored similarity index (each deal's vectors, stems, regulations and
                 mentions), written by the rebuild;
- `incremental.py` the one-deal update from that index.

docs/connections.md explains the choices and the figures.
"""

from __future__ import annotations

from django.db import transaction

from dealmonitor.deals.models import Deal
from dealmonitor.utils import bulk

from . import incremental, index, storage
from .features import terms_of  # noqa: F401 (the engine's reading of a text, for tools)
from .models import RelatedSuggestion
from .scoring import Portfolio
from .weights import MIN_SCORE, TOP_K, WEIGHTS, df_cap  # noqa: F401

__all__ = ["Portfolio", "build_all", "update_for_deal", "df_cap", "WEIGHTS", "TOP_K"]


def build_all():
    """Recompute the top list of every deal and store what changed. Returns (deals,
    suggestions)."""
    # Millions of small objects stay alive until the end and hold no cycles: the garbage
    # collector walked them again and again (a third of the rebuild's CPU at scale L).
    with bulk.collector_paused():
        return _build_all()


def _build_all():
    portfolio = Portfolio.load()
    previous = storage.previous_ranks(RelatedSuggestion.objects.all())
    rows = []
    for pk, ranked in portfolio.ranked_all().items():
        ranked = storage.stable_order(ranked, previous.get(pk))
        rows.extend(portfolio.suggestions(pk, ranked=ranked))
    storage.name_organisations(rows)
    with transaction.atomic():
        storage.store(rows, RelatedSuggestion.objects.all())
        index.write_all(portfolio)
    return portfolio.n, len(rows)


def update_for_deal(deal_pk):
    """Recompute one deal's list, and the lists of the deals it enters or leaves, from the
    stored index without loading the portfolio (`incremental.py`: that deal's row and column
    of the similarity). Builds everything once when the index is not there yet. Returns the
    number of lists rewritten."""
    with transaction.atomic():
        if not Deal.objects.filter(pk=deal_pk).exists():
            RelatedSuggestion.objects.filter(other_id=deal_pk).delete()
            return 0
        if not index.is_built():
            return build_all()[0]
        return incremental.update(deal_pk)
