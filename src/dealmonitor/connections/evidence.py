"""The evidence behind a suggestion, as data: which sentence names the other deal, which
people, organisations, themes, words and regulations the two deals share. Stored with the
suggestion; `reasons.py` writes it as sentences at display time (Dutch or English)."""

from .constants import ReasonKind
from .weights import MAX_PEOPLE, WEIGHTS

REASON_ITEMS = 5  # organisations, themes or words named in one reason
# A text similarity below this adds at most a tenth of a point and is not worth a sentence.
MIN_TEXT_REASON = 0.03


def reasons(portfolio, pk, other, values):
    """[{kind, score, ...}] strongest first, for the pair pk–other with signal `values`."""
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
        shared = []
        for person in sorted(set(a.people) & set(b.people)):
            shared.append({
                "here": sorted(a.people[person]), "there": sorted(b.people[person]),
            })
        out.append({
            "kind": ReasonKind.PEOPLE,
            "score": round(WEIGHTS[ReasonKind.PEOPLE] * min(people, MAX_PEOPLE), 3),
            "people": shared,
        })
    if orgs:
        shared = sorted(
            (o for o in a.orgs & b.orgs if o in portfolio.org_vec[pk] and o in portfolio.org_vec[other]),
            key=lambda o: (portfolio.org_df[o], portfolio.org_names.get(o, "")),
        )
        out.append({
            "kind": ReasonKind.ORGANISATIONS,
            "score": round(WEIGHTS[ReasonKind.ORGANISATIONS] * orgs, 3),
            "count": len(shared),
            "items": [
                {"pk": o, "name": portfolio.org_names.get(o), "deals": portfolio.org_df[o]}
                for o in _worth_naming(shared, portfolio)[:REASON_ITEMS]
            ],
        })
    if themes:
        shared = sorted(portfolio.theme_names[t] for t in a.themes & b.themes
                        if t in portfolio.theme_vec[pk] and t in portfolio.theme_vec[other])
        out.append({
            "kind": ReasonKind.THEMES,
            "score": round(WEIGHTS[ReasonKind.THEMES] * themes, 3),
            "items": shared[:REASON_ITEMS],
        })
    if text >= MIN_TEXT_REASON:
        va, vb = portfolio.term_vec[pk], portfolio.term_vec[other]
        shared = sorted(set(va) & set(vb), key=lambda t: -va[t] * vb[t])
        out.append({
            "kind": ReasonKind.TEXT,
            "score": round(WEIGHTS[ReasonKind.TEXT] * text, 3),
            "similarity": round(text, 3),
            "items": [portfolio.surface.get(t, t) for t in shared[:REASON_ITEMS]],
        })
    if regulation:
        out.append({
            "kind": ReasonKind.REGULATION,
            "score": round(WEIGHTS[ReasonKind.REGULATION] * regulation, 3),
            "items": sorted(portfolio._shared_regulations(a, b)),
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
