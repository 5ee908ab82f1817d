"""Which offers fit a need (and which needs an offer), ranked, each with its reasons.

The signals are those of the related deals (connections/related.py), computed with the same
ground-floor helpers, not copied: the Dutch stems and stop words of `utils.text` (the text
machinery of the related deals), weighted by how rare a stem is among the open posts (the
inverse document frequency the related deals use for their text cosine), plus the kind,
themes, region and shared organisations. A candidate must be of the other direction, the same
kind, open, from another organisation, and its period must overlap.

Weights (sum of the parts, about 0 to 2): words 1.0 × cosine; themes 0.3 each (at most 3);
region 0.2 when the same province, 0.1 when one of them is nationwide; partners in common
(the two deals share organisations) 0.05 each, at most 0.2; deals in common (both
organisations take part in the same deals) 0.1 each, at most 0.3. A match needs at least
MIN_SCORE, of which the words and themes at least MIN_CONTENT. Evaluated in docs/ecosystem.md on tests/fixtures/needs_offers.json."""

import math
from collections import Counter
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from dealmonitor.deals.models import Participation
from dealmonitor.utils import text as dutch

from .constants import NATIONAL, Direction
from .models import Post

MIN_SCORE = 0.2
# What the two texts say must carry a match: the word cosine plus the themes' weight at least
# this much. Region and shared organisations add to a match, they never make one (on the
# fixture they alone brought five of fourteen matches shown, none of them a fit).
MIN_CONTENT = 0.1
WORDS_SHOWN = 5


@dataclass
class Match:
    post: Post
    score: float
    reasons: list = field(default_factory=list)  # (kind of reason, text)


def _terms(post):
    """Stems of the title and text (the title counts twice), and a readable word per stem."""
    words = {}
    for word in dutch.words(f"{post.title} {post.text}"):
        if word not in dutch.STOP_WORDS and len(word) > 2:
            words.setdefault(dutch.stems(word)[0] if dutch.stems(word) else word, word)
    counts = Counter(dutch.stems(post.title) * 2 + dutch.stems(post.text))
    return counts, words


def _overlap(a, b):
    if a.period_end and b.period_start and a.period_end < b.period_start:
        return False
    if b.period_end and a.period_start and b.period_end < a.period_start:
        return False
    return True


def _candidates(post):
    other = Direction.OFFER if post.direction == Direction.NEED else Direction.NEED
    return (Post.objects.filter(direction=other, kind=post.kind, is_open=True)
            .exclude(organisation=post.organisation)
            .select_related("organisation", "deal").prefetch_related("themes"))


def _deal_partners(deal_ids):
    rows = Participation.objects.filter(deal_id__in=deal_ids).values_list("deal_id", "organisation_id")
    found = {}
    for deal_id, org_id in rows:
        found.setdefault(deal_id, set()).add(org_id)
    return found


def _org_deals(org_ids):
    rows = Participation.objects.filter(organisation_id__in=org_ids).values_list("organisation_id", "deal_id")
    found = {}
    for org_id, deal_id in rows:
        found.setdefault(org_id, set()).add(deal_id)
    return found


def matches_for(post, candidates=None, corpus=None, limit=10):
    """The posts of the other direction that fit `post`, best first, with reasons.
    `candidates` (default: every open post that may fit) and `corpus` (the posts whose words
    weigh the rarity of a word; default: the candidates and the post) may be given to
    evaluate on a fixed set."""
    candidates = [c for c in (candidates if candidates is not None else _candidates(post))
                  if c.pk != post.pk and c.kind == post.kind and c.direction != post.direction
                  and c.organisation_id != post.organisation_id and _overlap(post, c)]
    if not candidates:
        return []
    corpus = corpus if corpus is not None else [post, *candidates]
    document_frequency = Counter()
    terms = {}
    for p in {id(p): p for p in [*corpus, post, *candidates]}.values():
        terms[id(p)] = _terms(p)
    for p in corpus:
        document_frequency.update(set(terms[id(p)][0]))
    n = len(corpus)

    def vector(p):
        counts = terms[id(p)][0]
        # smoothed: a word every post uses still counts a little, so two posts alone can match
        return {s: c * (1 + math.log((1 + n) / (1 + document_frequency[s]))) for s, c in counts.items()}

    mine = vector(post)
    norm = math.sqrt(sum(v * v for v in mine.values())) or 1.0
    deals = _deal_partners({post.deal_id, *(c.deal_id for c in candidates)})
    org_deals = _org_deals({post.organisation_id, *(c.organisation_id for c in candidates)})
    my_themes = {t.name for t in post.themes.all()}
    found = []
    for c in candidates:
        reasons, score = [_("same kind: %(kind)s") % {"kind": c.get_kind_display()}], 0.0
        theirs = vector(c)
        other_norm = math.sqrt(sum(v * v for v in theirs.values())) or 1.0
        shared = sorted(set(mine) & set(theirs), key=lambda s: -(mine[s] * theirs[s]))
        cosine = sum(mine[s] * theirs[s] for s in shared) / (norm * other_norm)
        if cosine > 0:
            score += cosine
            readable = [terms[id(post)][1].get(s, s) for s in shared[:WORDS_SHOWN]]
            reasons.append(_("words in common: %(words)s") % {"words": ", ".join(readable)})
        themes = sorted(my_themes & {t.name for t in c.themes.all()})
        if themes:
            score += 0.3 * min(len(themes), 3)
            reasons.append(_("themes: %(themes)s") % {"themes": ", ".join(themes)})
        content = score
        if post.region and c.region:
            if post.region == c.region and post.region != NATIONAL:
                score += 0.2
                reasons.append(_("same region"))
            elif NATIONAL in (post.region, c.region):
                score += 0.1
                reasons.append(_("one of them works nationwide"))
        if c.deal_id != post.deal_id:
            partners = (deals.get(post.deal_id, set()) & deals.get(c.deal_id, set())) - {
                post.organisation_id, c.organisation_id}
            if partners:
                score += min(0.05 * len(partners), 0.2)
                reasons.append(_("%(n)d partners in common between the deals") % {"n": len(partners)})
        common = org_deals.get(post.organisation_id, set()) & org_deals.get(c.organisation_id, set())
        if common:
            score += min(0.1 * len(common), 0.3)
            reasons.append(_("both organisations take part in %(n)d deal(s)") % {"n": len(common)})
        if score >= MIN_SCORE and content >= MIN_CONTENT:
            found.append(Match(c, round(score, 3), reasons))
    found.sort(key=lambda m: (-m.score, m.post.pk or 0))
    return found[:limit]


def deal_pair_scores(deal_ids):
    """{(deal id, deal id) smaller first: score} for deals whose partners' open needs and
    offers fit each other (the best match between the two deals), for seating deals together
    at a Community of Practice session (connections/cop.py)."""
    posts = list(Post.objects.filter(deal_id__in=deal_ids, is_open=True)
                 .select_related("organisation", "deal").prefetch_related("themes"))
    offers = [p for p in posts if p.direction == Direction.OFFER]
    scores = {}
    for need in (p for p in posts if p.direction == Direction.NEED):
        for match in matches_for(need, candidates=offers, corpus=posts):
            a, b = need.deal_id, match.post.deal_id
            if a != b:
                key = (min(a, b), max(a, b))
                scores[key] = max(scores.get(key, 0.0), match.score)
    return scores
