"""The evidence behind a suggestion, as data: which sentence names the other deal, which
people, organisations, themes, words and regulations the two deals share. Stored with the
suggestion; `reasons.py` writes it as sentences at display time (Dutch or English)."""

import heapq

from .constants import ReasonKind
from .weights import MAX_PEOPLE, WEIGHTS

REASON_ITEMS = 5  # organisations, themes or words named in one reason
# A text similarity below this adds at most a tenth of a point and is not worth a sentence.
MIN_TEXT_REASON = 0.03


def reasons(portfolio, pk, other, values):
    """[{kind, score, ...}] strongest first, for the pair pk–other with signal `values`."""
    shared = getattr(values, "shared", None)
    if shared is None:  # bare values: what the pair shares is found again
        shared = portfolio.components(pk, other).shared
    a, b = portfolio.profiles[pk], portfolio.profiles[other]
    out = []
    stated, people, orgs, themes, text, regulation = values
    if stated:
        _value, found = portfolio.stated.pair(pk, other)
        out.append({
            "kind": ReasonKind.STATED,
            "score": round(WEIGHTS[ReasonKind.STATED] * stated, 3),
            "follow_up": any(m.follow_up for m in found),
            "mentions": [
                {"in": portfolio.profiles[m.source].name, "names": portfolio.profiles[m.target].name,
                 "field": m.field, "snippet": m.snippet}
                for m in found
            ],
        })
    if people:
        out.append({
            "kind": ReasonKind.PEOPLE,
            "score": round(WEIGHTS[ReasonKind.PEOPLE] * min(people, MAX_PEOPLE), 3),
            "people": [{"here": sorted(a.people[person]), "there": sorted(b.people[person])}
                       for person in sorted(shared.people)],
        })
    if orgs:
        named = sorted(shared.orgs,
                       key=lambda o: (portfolio.org_df[o], portfolio.org_names.get(o, "")))
        out.append({
            "kind": ReasonKind.ORGANISATIONS,
            "score": round(WEIGHTS[ReasonKind.ORGANISATIONS] * orgs, 3),
            "count": len(named),
            "items": [
                {"pk": o, "name": portfolio.org_names.get(o), "deals": portfolio.org_df[o]}
                for o in _worth_naming(named, portfolio)[:REASON_ITEMS]
            ],
        })
    if themes:
        out.append({
            "kind": ReasonKind.THEMES,
            "score": round(WEIGHTS[ReasonKind.THEMES] * themes, 3),
            "items": sorted(portfolio.theme_names[t] for t in shared.themes)[:REASON_ITEMS],
        })
    if text >= MIN_TEXT_REASON:
        va, vb = portfolio.term_vec[pk], portfolio.term_vec[other]
        # The strongest shared stems; equal ones in the order of the stem (the same in a
        # rebuild and a one-deal update).
        words = heapq.nsmallest(REASON_ITEMS, shared.terms, key=lambda t: (-va[t] * vb[t], t))
        out.append({
            "kind": ReasonKind.TEXT,
            "score": round(WEIGHTS[ReasonKind.TEXT] * text, 3),
            "similarity": round(text, 3),
            "items": [portfolio.surface.get(t, t) for t in words],
        })
    if regulation:
        out.append({
            "kind": ReasonKind.REGULATION,
            "score": round(WEIGHTS[ReasonKind.REGULATION] * regulation, 3),
            "items": sorted(shared.regulations),
        })
    out.sort(key=lambda r: -r["score"])
    return out



def _worth_naming(shared, portfolio):
    """The shared organisations a reason names: those in at most a quarter of the deals (a
    big city in ten of 26 deals adds little and is counted, not named), the rarest first;
    the rarest one when all are common."""
    limit = max(3, portfolio.n // 4)
    named = [o for o in shared if portfolio.org_df[o] <= limit]
    return named or shared[:1]
