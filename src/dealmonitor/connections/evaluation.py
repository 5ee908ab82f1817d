"""Precision and recall at k, and R-precision, of the related-deals engine on links the sources state.

The links are in `evaluation.json`, written by hand from the demo data's sources. For every
deal that has at least one such link, the engine's top k (without people's decisions) is
compared with its stated links; the figures are averaged over those deals (macro average).
"""

import json
from dataclasses import dataclass
from pathlib import Path

from .related import Portfolio

LINKS_FILE = Path(__file__).with_name("evaluation.json")


def stated_links(path=LINKS_FILE):
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [(link["a"], link["b"]) for link in data["links"]]


@dataclass
class DealScore:
    slug: str
    expected: set
    top: list
    hits: int
    r_hits: int = 0  # stated links among the first len(expected)


def evaluate(k=5, links=None, portfolio=None, without=()):
    """Returns (precision, recall, [DealScore]); `without` switches signals off (ablation)."""
    portfolio = portfolio or Portfolio.load()
    by_slug = {p.slug: pk for pk, p in portfolio.profiles.items()}
    expected = {}
    for a, b in links or stated_links():
        if a in by_slug and b in by_slug:
            expected.setdefault(a, set()).add(b)
            expected.setdefault(b, set()).add(a)
    rows = []
    for slug, wanted in sorted(expected.items()):
        ranked = ranked_without(portfolio, by_slug[slug], without, max(k, len(wanted)))
        slugs = [portfolio.profiles[o].slug for o in ranked]
        top = slugs[:k]
        rows.append(DealScore(slug, wanted, top, len(wanted & set(top)),
                              len(wanted & set(slugs[:len(wanted)]))))
    if not rows:
        return 0.0, 0.0, rows
    precision = sum(r.hits / k for r in rows) / len(rows)
    recall = sum(r.hits / len(r.expected) for r in rows) / len(rows)
    return precision, recall, rows


def r_precision(rows):
    """Precision at R, R being each deal's number of stated links: 1.0 when every deal's
    first R suggestions are exactly its stated links (precision@k cannot reach 1 when a deal
    has fewer than k stated links)."""
    return sum(r.r_hits / len(r.expected) for r in rows) / len(rows) if rows else 0.0


def ranked_without(portfolio, pk, without, k):
    if not without:
        return [o for o, _s, _v in portfolio.ranked(pk, k)]
    slots = {"stated": 0, "people": 1, "organisations": 2, "themes": 3, "text": 4,
             "regulation": 5}
    rows = []
    for other, values in portfolio.components_for(pk).items():
        values = [0.0 if i in {slots[w] for w in without} else v for i, v in enumerate(values)]
        rows.append((other, portfolio.total(values)))
    rows = [r for r in rows if r[1] > 0]
    rows.sort(key=lambda r: (-r[1], portfolio.profiles[r[0]].name))
    return [o for o, _s in rows[:k]]
